import type { DescMessage } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { MessageArbitraries } from './proto-values.js';

/** What a fuzzed call sends: bytes that decode as the method's message, or bytes that may not. */
export interface RequestInput {
  kind: 'message' | 'bytes';
  bytes: Uint8Array;
}

const messages = new MessageArbitraries();

/** Both kinds of request bytes for a method taking `desc`: arbitrary messages and arbitrary bytes. */
export function requestInputs(desc: DescMessage): fc.Arbitrary<RequestInput> {
  const encoded = messages.encoded(desc);
  const bytes: fc.Arbitrary<Uint8Array>[] = [fc.uint8Array({ maxLength: 512 }), mutated(encoded)];
  const cycle = selfNestingPath(desc);
  if (cycle) bytes.push(fc.integer({ min: 100, max: 50_000 }).map((depth) => nested(cycle, depth)));
  return fc.oneof(
    encoded.map((message) => ({ kind: 'message' as const, bytes: message })),
    fc.oneof(...bytes).map((raw) => ({ kind: 'bytes' as const, bytes: raw })),
  );
}

/** A valid encoding with one byte changed, or cut short. */
function mutated(encoded: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(encoded, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean())
    .map(([bytes, at, value, cut]) => {
      if (bytes.length === 0) return Uint8Array.of(value);
      const index = at % bytes.length;
      if (cut) return bytes.slice(0, index);
      const copy = bytes.slice();
      copy[index] = value;
      return copy;
    });
}

/**
 * Field numbers from `desc` down to a message that contains itself, then around that cycle: the
 * path to nest along for a request nested as deep as the client likes. None if no field recurses.
 */
export function selfNestingPath(desc: DescMessage): NestingPath | undefined {
  const explored = new Set<string>();
  // `stack[i]` is the message type at depth i of `path`.
  const visit = (message: DescMessage, path: number[], stack: string[]): NestingPath | undefined => {
    for (const field of message.fields) {
      const child = field.fieldKind === 'message' || field.fieldKind === 'list' ? field.message : undefined;
      if (!child) continue;
      const fieldPath = [...path, field.number];
      const ancestor = stack.indexOf(child.typeName);
      if (ancestor >= 0) return { prefix: fieldPath.slice(0, ancestor), cycle: fieldPath.slice(ancestor) };
      if (explored.has(child.typeName)) continue;
      const found = visit(child, fieldPath, [...stack, child.typeName]);
      if (found) return found;
    }
    explored.add(message.typeName);
    return undefined;
  };
  return visit(desc, [], [desc.typeName]);
}

interface NestingPath {
  prefix: number[];
  cycle: number[];
}

/** The bytes of messages nested `depth` times around the cycle, each a length-delimited field. */
function nested({ prefix, cycle }: NestingPath, depth: number): Uint8Array {
  const fields = [...prefix, ...Array.from({ length: depth }, (_, i) => cycle[i % cycle.length] as number)];
  // Sizes from the innermost out, so the bytes are written in one pass from the outermost in.
  const sizes = new Array<number>(fields.length + 1).fill(0);
  for (let i = fields.length - 1; i >= 0; i--) {
    const inner = sizes[i + 1] as number;
    sizes[i] = varintLength(((fields[i] as number) << 3) | 2) + varintLength(inner) + inner;
  }
  const out = new Uint8Array(sizes[0] as number);
  let at = 0;
  const writeVarint = (value: number) => {
    let rest = value;
    while (rest >= 0x80) {
      out[at++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    out[at++] = rest;
  };
  fields.forEach((field, i) => {
    writeVarint((field << 3) | 2);
    writeVarint(sizes[i + 1] as number);
  });
  return out;
}

function varintLength(value: number): number {
  let length = 1;
  for (let rest = value; rest >= 0x80; rest >>>= 7) length++;
  return length;
}
