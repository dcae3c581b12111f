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
  for (const key in traits) {
    if (key.includes('.')) readInto(byPath, traits, key);
    else visit(byPath, traits, traits[key], key, 1);
  }
  return byPath;
}

/** A path met twice (a dotted key and the nesting that spells it) reads the same value twice. */
function readInto(byPath: Record<string, unknown>, traits: Traits, path: string): void {
  const value = valueAtPath(traits, path);
  if (value !== undefined) byPath[path] = value;
}

function visit(
  byPath: Record<string, unknown>,
  traits: Traits,
  value: unknown,
  path: string,
  depth: number,
): void {
  if (!isObject(value)) {
    readInto(byPath, traits, path);
    return;
  }
  if (depth >= MAX_PATH_DEPTH) return;
  // A nested key holding a dot cannot be reached by a path.
  for (const key in value)
    if (!key.includes('.')) visit(byPath, traits, value[key], `${path}.${key}`, depth + 1);
}

function hasNestedObject(traits: Traits): boolean {
  for (const key in traits) if (isObject(traits[key])) return true;
  return false;
}

const isObject = (value: unknown): value is Traits =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
