import { create, type DescField, type DescMessage, ScalarType, toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';

// Deeper messages are left out; deep nesting is sent as bytes instead (see request-inputs.ts).
const MAX_DEPTH = 4;

/** Text that breaks naive handlers: empty, blank, prototype keys, NULs, huge, any code point. */
export const awkwardText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 24 }), weight: 4 },
  {
    arbitrary: fc.constantFrom('', ' ', '\t\n', '__proto__', 'constructor', 'toString', '\u0000', '💥'),
    weight: 2,
  },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
  { arbitrary: fc.integer({ min: 1_000, max: 100_000 }).map((n) => 'é'.repeat(n)), weight: 1 },
);

const int32 = fc.oneof(fc.integer({ min: -10, max: 1_000 }), fc.constantFrom(-(2 ** 31), 2 ** 31 - 1));
const uint32 = fc.oneof(fc.nat(1_000), fc.constant(2 ** 32 - 1));
const int64 = fc.oneof(fc.bigInt({ min: -10n, max: 10_000n }), fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n));
const uint64 = fc.oneof(fc.bigInt({ min: 0n, max: 10_000n }), fc.constant(2n ** 64n - 1n));
const double = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 1e308));

function scalar(type: ScalarType): fc.Arbitrary<unknown> {
  switch (type) {
    case ScalarType.STRING:
      return awkwardText;
    case ScalarType.BYTES:
      return fc.uint8Array({ maxLength: 64 });
    case ScalarType.BOOL:
      return fc.boolean();
    case ScalarType.DOUBLE:
      return double;
    case ScalarType.FLOAT:
      return fc.float();
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return int32;
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return uint32;
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return uint64;
    default:
      return int64;
  }
}

/** Known values, and numbers the enum does not have (proto3 enums are open). */
function enumNumber(values: readonly { number: number }[]): fc.Arbitrary<number> {
  const known = fc.constantFrom(...values.map((value) => value.number));
  return fc.oneof(known, fc.integer({ min: -5, max: 1_000 }), fc.constant(2 ** 31 - 1));
}

function mapKey(type: ScalarType): fc.Arbitrary<string> {
  if (type === ScalarType.STRING) return fc.string({ maxLength: 16 });
  if (type === ScalarType.BOOL) return fc.constantFrom('true', 'false');
  return fc.integer({ min: 0, max: 1_000 }).map(String);
}

/**
 * Arbitrary messages of any type in a descriptor: every field may be missing, strings are awkward,
 * enums take unknown numbers, lists are empty, short or long, and messages nest to MAX_DEPTH.
 */
export class MessageArbitraries {
  readonly #cache = new Map<string, fc.Arbitrary<Record<string, unknown> | undefined>>();

  /** The wire bytes of arbitrary `desc` messages. */
  encoded(desc: DescMessage): fc.Arbitrary<Uint8Array> {
    return this.#init(desc, 0).map((init) => toBinary(desc, create(desc, init ?? {})));
  }

  #init(desc: DescMessage, depth: number): fc.Arbitrary<Record<string, unknown> | undefined> {
    if (depth > MAX_DEPTH) return fc.constant(undefined);
    const key = `${desc.typeName}@${depth}`;
    let cached = this.#cache.get(key);
    if (!cached) {
      // Registered before it is built: a message that contains itself finds it (and stops at MAX_DEPTH).
      cached = fc.constant(null).chain(() => this.#build(desc, depth));
      this.#cache.set(key, cached);
    }
    return cached;
  }

  #build(desc: DescMessage, depth: number): fc.Arbitrary<Record<string, unknown>> {
    const fields: Record<string, fc.Arbitrary<unknown>> = {};
    for (const field of desc.fields) {
      if (!field.oneof) fields[field.localName] = this.#field(field, depth);
    }
    for (const oneof of desc.oneofs) {
      const cases = oneof.fields.map((field) =>
        this.#field(field, depth).map((value) => ({ case: field.localName, value })),
      );
      fields[oneof.localName] = fc.oneof(...cases);
    }
    return fc.record(fields, { requiredKeys: [] });
  }

  #field(field: DescField, depth: number): fc.Arbitrary<unknown> {
    switch (field.fieldKind) {
      case 'scalar':
        return scalar(field.scalar);
      case 'enum':
        return enumNumber(field.enum.values);
      case 'message':
        return this.#init(field.message, depth + 1).map((init) => init ?? {});
      case 'list': {
        const element =
          field.listKind === 'scalar'
            ? scalar(field.scalar)
            : field.listKind === 'enum'
              ? enumNumber(field.enum.values)
              : this.#init(field.message, depth + 1).map((init) => init ?? {});
        // Long lists of small elements: many entries, not many megabytes.
        const wide =
          field.listKind === 'message'
            ? fc.array(element, { minLength: 20, maxLength: 20 })
            : fc.array(
                field.listKind === 'scalar' && field.scalar === ScalarType.STRING
                  ? fc.string({ maxLength: 8 })
                  : element,
                {
                  minLength: 2_000,
                  maxLength: 2_000,
                },
              );
        return fc.oneof(
          { arbitrary: fc.array(element, { maxLength: 4 }), weight: 5 },
          { arbitrary: wide, weight: 1 },
        );
      }
      case 'map': {
        const value =
          field.mapKind === 'scalar'
            ? scalar(field.scalar)
            : field.mapKind === 'enum'
              ? enumNumber(field.enum.values)
              : this.#init(field.message, depth + 1).map((init) => init ?? {});
        return fc.dictionary(mapKey(field.mapKey), value, { maxKeys: 4 });
      }
    }
  }
}
