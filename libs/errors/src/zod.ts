import type { z } from 'zod';
import type { FieldViolation } from './errors.js';

/**
 * Zod issues as field violations named the way API callers know the fields: by their proto path
 * (`spec.target_audience.age_ranges[0].min`), not by ts-proto's camelCase properties.
 */
export function fieldViolationsFromZod(error: z.core.$ZodError): FieldViolation[] {
  return error.issues.map((issue) => ({ field: protoFieldPath(issue.path), description: issue.message }));
}

export function protoFieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((field, segment) => {
    if (typeof segment === 'number') return `${field}[${segment}]`;
    const name = String(segment)
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase();
    return field ? `${field}.${name}` : name;
  }, '');
}
