/** Deeper trait objects are not indexed: rules name paths of a few segments (`address.city`). */
export const MAX_PATH_DEPTH = 6;

/**
 * Every path a rule can reach in `traits` with the value the rules read there (`valueAtPath`):
 * nested objects give `a.b` paths through keys without dots; a top-level key holding dots is
 * its own path and wins over the nested one; `null` is absent. Objects and lists are values
 * too (a rule may ask whether `address` exists).
 */
export function traitPaths(traits: Readonly<Record<string, unknown>>): Map<string, unknown> {
  const paths = new Map<string, unknown>();
  const visit = (value: unknown, path: string, depth: number): void => {
    if (value === null || value === undefined) return;
    paths.set(path, value);
    if (depth >= MAX_PATH_DEPTH || typeof value !== 'object' || Array.isArray(value)) return;
    for (const [key, child] of Object.entries(value))
      if (!key.includes('.')) visit(child, `${path}.${key}`, depth + 1);
  };
  for (const [key, value] of Object.entries(traits)) if (!key.includes('.')) visit(value, key, 1);
  // A key with dots is reached only as a whole, and before any nested path that spells it.
  for (const [key, value] of Object.entries(traits)) {
    if (!key.includes('.')) continue;
    if (value === null || value === undefined) paths.delete(key);
    else paths.set(key, value);
  }
  return paths;
}
