/** Deeper trait objects are not indexed: rules name paths of a few segments (`address.city`). */
export const MAX_PATH_DEPTH = 6;

type PathVisitor = (path: string, value: unknown) => void;

/**
 * Calls `visit` once with every path a rule can reach in `traits` and the value the rules read
 * there (`valueAtPath`): nested objects give `a.b` paths through keys without dots; a top-level
 * key holding dots is its own path and wins over the nested one; `null` is absent. Objects and
 * lists are values too (a rule may ask whether `address` exists). It builds no collection of
 * paths: it runs for every profile the index takes in.
 */
export function forEachTraitPath(traits: Readonly<Record<string, unknown>>, visit: PathVisitor): void {
  let dotted: Set<string> | undefined;
  // Traits are plain objects (parsed JSON): for-in sees their own keys, and it is twice as fast
  // as Object.keys here (no array per object, values read through the enumeration's cache).
  for (const key in traits)
    if (key.includes('.')) {
      dotted ??= new Set();
      dotted.add(key);
    }
  for (const key in traits) if (!dotted?.has(key)) visitNested(traits[key], key, 1, dotted, visit);
  // A key with dots is reached only as a whole, never as the nested path that spells it.
  if (dotted)
    for (const key of dotted) {
      const value = traits[key];
      if (value !== null && value !== undefined) visit(key, value);
    }
}

function visitNested(
  value: unknown,
  path: string,
  depth: number,
  dotted: ReadonlySet<string> | undefined,
  visit: PathVisitor,
): void {
  if (value === null || value === undefined) return;
  if (!dotted?.has(path)) visit(path, value);
  if (depth >= MAX_PATH_DEPTH || typeof value !== 'object' || Array.isArray(value)) return;
  const object = value as Record<string, unknown>;
  for (const key in object)
    if (!key.includes('.')) visitNested(object[key], `${path}.${key}`, depth + 1, dotted, visit);
}
