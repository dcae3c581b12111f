import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AsyncAPIDocumentInterface, DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { decodeEvent } from '@prism/bus';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * docs/asyncapi.yaml is the partners' contract, so it is checked against the code, not just
 * parsed: the kinds producers use, the streams of the topology, the proto payload messages, and
 * examples that Prism's own envelope and proto code accept unchanged.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const EVENT_PAYLOADS = 'proto/gen/prism/events/v1';

let doc: AsyncAPIDocumentInterface;
let diagnostics: { severity: DiagnosticSeverity; message: string; path: (string | number)[] }[];
beforeAll(async () => {
  const parsed = await new Parser().parse(read('docs/asyncapi.yaml'));
  diagnostics = parsed.diagnostics;
  if (!parsed.document) throw new Error(`docs/asyncapi.yaml does not parse: ${JSON.stringify(diagnostics)}`);
  doc = parsed.document;
});

/** Subject filters of the service streams in libs/bus/src/topology.ts, without the prefix: `*.strategy.*`. */
const topologyFilters = () =>
  [...read('libs/bus/src/topology.ts').matchAll(/`\$\{prefix\}\.([^`]+)`/g)].map(
    (match) => match[1] as string,
  );

/** The aggregates events exist for: the token after the space in each stream filter. */
const aggregates = () => new Set(topologyFilters().map((filter) => filter.split('.')[1]));

/** Every event kind written as a literal in a service's code (producers build them from literals). */
function kindsInServices(): Set<string> {
  const names = [...aggregates()].join('|');
  const literal = new RegExp(`['\`]((?:${names})(?:\\.[a-z_]+)+)['\`]`, 'g');
  const kinds = new Set<string>();
  for (const service of readdirSync(join(root, 'services'))) {
    const src = join('services', service, 'src');
    const files = readdirSync(join(root, src), { recursive: true, encoding: 'utf8' });
    for (const file of files.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      if (file.split('/').includes('testing')) continue;
      for (const match of read(join(src, file)).matchAll(literal)) kinds.add(match[1] as string);
    }
  }
  return kinds;
}

/** `prism.{space}.audience.{audienceKey}.entered` → `audience.entered`; undefined for ingest and dlq. */
function kindOfAddress(address: string): string | undefined {
  const match = /^prism\.\{space\}\.(.+)$/.exec(address);
  const kind = match?.[1]?.replace('.{audienceKey}', '');
  return kind && !kind.startsWith('ingest.') ? kind : undefined;
}

const cloudEventChannels = () =>
  doc
    .channels()
    .all()
    .flatMap((channel) => {
      const kind = kindOfAddress(channel.address() ?? '');
      return kind ? [{ channel, kind }] : [];
    });

/** NATS subject matching: `*` one token, `>` the rest. */
const matchesFilter = (filter: string, subject: string) =>
  new RegExp(`^${filter.replace(/\./g, '\\.').replace(/\*/g, '[^.]+').replace(/>$/, '.+')}$`).test(subject);

interface ProtoMessage {
  fromPartial(value: object): object;
  fromJSON(json: unknown): unknown;
  toJSON(message: unknown): unknown;
}

/** The payload messages of prism.events.v1 as ts-proto generated them, by name. */
async function eventPayloadMessages(): Promise<Map<string, ProtoMessage>> {
  const messages = new Map<string, ProtoMessage>();
  for (const file of readdirSync(join(root, EVENT_PAYLOADS)).filter((f) => f.endsWith('.ts'))) {
    const module: Record<string, unknown> = await import(join(root, EVENT_PAYLOADS, file));
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === 'object' && value !== null && 'fromPartial' in value) {
        messages.set(name, value as ProtoMessage);
      }
    }
  }
  return messages;
}

describe('docs/asyncapi.yaml', () => {
  it('is a valid AsyncAPI 3.0 document', () => {
    expect(doc.version()).toMatch(/^3\.0\./);
    const problems = diagnostics.filter((d) => d.severity <= DiagnosticSeverity.Warning);
    expect(problems.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    const nats = doc.servers().get('nats');
    expect(`${nats?.protocol()}://${nats?.host()}`).toBe('nats://127.0.0.1:4222');
  });

  it('has a channel for every event kind the services use, and none they do not', () => {
    const documented = cloudEventChannels().map(({ kind }) => kind);
    const used = kindsInServices();
    expect(used.size).toBeGreaterThanOrEqual(21);
    expect([...used].filter((kind) => !documented.includes(kind))).toEqual([]);
    expect(documented.filter((kind) => !used.has(kind))).toEqual([]);
  });

  it('covers every stream of the topology, the ingestion stream and the dead-letter stream', () => {
    const subjects = doc
      .channels()
      .all()
      .map((channel) => (channel.address() ?? '').replace(/\{[a-zA-Z]+\}/g, 'x'));
    const filters = [
      ...topologyFilters().map((filter) => `prism.${filter}`),
      'prism.*.ingest.*',
      'prism.dlq.*',
    ];
    for (const filter of filters) {
      expect(
        subjects.filter((subject) => matchesFilter(filter, subject)),
        filter,
      ).not.toEqual([]);
    }
  });

  it('names audience channels by space and audience key, all others by space', () => {
    for (const { channel, kind } of cloudEventChannels()) {
      const expected = kind.startsWith('audience.') ? ['audienceKey', 'space'] : ['space'];
      expect(
        channel
          .parameters()
          .all()
          .map((p) => p.id())
          .sort(),
        kind,
      ).toEqual(expected);
    }
  });

  it('gives each payload message of prism.events.v1 a schema with exactly its proto3 JSON fields', async () => {
    const schemas = doc.components().schemas();
    for (const [name, message] of await eventPayloadMessages()) {
      const schema = schemas.get(name);
      expect(schema, `schema ${name}`).toBeDefined();
      const fields = Object.keys(message.fromPartial({})).sort();
      expect(Object.keys(schema?.properties() ?? {}).sort(), name).toEqual(fields);
    }
  });

  it('shows, for every event, an example that Prism decodes and re-encodes unchanged', async () => {
    const messages = await eventPayloadMessages();
    for (const { channel, kind } of cloudEventChannels()) {
      for (const message of channel.messages().all()) {
        const [envelope, scope, event] = message.payload()?.allOf() ?? [];
        expect(envelope?.id(), kind).toBe('CloudEvent');
        const specific = event ?? scope;
        expect(specific?.properties()?.type?.const(), kind).toBe(`prism.${kind}`);
        const payloadName = specific?.properties()?.data?.id() ?? '';
        const proto = messages.get(payloadName);
        expect(proto, `${kind} payload ${payloadName}`).toBeDefined();
        const examples = message.examples().all();
        expect(examples.length, kind).toBeGreaterThan(0);
        for (const example of examples) {
          const sample = example.payload() as { type: string; data: unknown; prismaudience?: string };
          const decoded = decodeEvent(new TextEncoder().encode(JSON.stringify(sample)));
          expect(decoded.type).toBe(`prism.${kind}`);
          expect(proto?.toJSON(proto.fromJSON(sample.data)), `${kind} example data`).toEqual(sample.data);
          if (kind.startsWith('audience.')) {
            expect(sample.prismaudience).toBe((sample.data as { audienceKey: string }).audienceKey);
          }
        }
      }
    }
  });
});
