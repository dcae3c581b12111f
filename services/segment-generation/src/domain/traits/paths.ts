import { valueAtPath } from '@prism/rules';

export type Traits = Readonly<Record<string, unknown>>;

/** Nesting deeper than this is not read: traits hold places and companies a level or two down. */
export const MAX_PATH_DEPTH = 5;

/**
 * A profile's traits by path, each read as the rules read it (`valueAtPath`), so a feature,
 * a context word or a rule on `address.country` sees exactly what the rule will: nested objects
 * give paths (`address.country`), a top-level key holding dots is a path of its own (and wins
 * over the nested one, as in the rules); text, numbers, booleans and lists are values, `null` is
 * absent. Traits without nested objects are returned as they are.
 */
export function traitsByPath(traits: Traits): Traits {
  if (!hasNestedObject(traits)) return traits;
  const byPath: Record<string, unknown> = {};
  for (const path of pathsOf(traits)) {
    const value = valueAtPath(traits, path);
    if (value !== undefined) byPath[path] = value;
  }
  return byPath;
}

function hasNestedObject(traits: Traits): boolean {
  for (const key in traits) if (isObject(traits[key])) return true;
  return false;
}

const isObject = (value: unknown): value is Traits =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The paths to every value under `traits`; a nested key holding a dot cannot be reached by a path. */
function pathsOf(traits: Traits): Set<string> {
  const paths = new Set<string>();
  const visit = (value: unknown, path: string, depth: number) => {
    if (!isObject(value)) {
      paths.add(path);
      return;
    }
    if (depth >= MAX_PATH_DEPTH) return;
    for (const key in value) if (!key.includes('.')) visit(value[key], `${path}.${key}`, depth + 1);
  };
  for (const key in traits) {
    if (key.includes('.')) paths.add(key);
    else visit(traits[key], key, 1);
  }
  return paths;
}
