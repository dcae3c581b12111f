import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SegmentDescription } from '../model.js';
import { type LanguageModelConfig, polishDescriptions } from './language-model.js';

const statistical: SegmentDescription[] = [0, 1].map((index) => ({
  name: `Urban running enthusiasts ${index}, 28–36`,
  demographicProfile: 'aged 28–36 (middle half; median 32 vs 38 overall)',
  geographicFocus: 'Europe 96 % (vs 70 % overall)',
  interestsAndBehaviours: ['interests: running (39 % vs 13 % overall, ×3.0)'],
  painPoints: ['no time to train consistently'],
  contrasts: [
    {
      key: 'interests',
      group: 'psychographic',
      value: 'running',
      inSegment: 0.39,
      inPopulation: 0.13,
      lift: 3,
    },
  ],
  size: 750,
  share: 0.25,
}));
const brief = { products: ['Stride Trail X'], painPoints: ['no time to train consistently'] };

/** What the imitated endpoint answers, by the first path segment of the base URL. */
const ANSWERS: Record<string, (request: ChatRequest) => { status: number; body: string; delayMs?: number }> =
  {
    success: (request) => ({ status: 200, body: completion(copyFor(request)) }),
    fenced: (request) => ({ status: 200, body: completion(`\`\`\`json\n${copyFor(request)}\n\`\`\``) }),
    garbage: () => ({ status: 200, body: completion('Sure! Here are better names: Runners, Joggers.') }),
    'not-json': () => ({ status: 200, body: '<html>oops</html>' }),
    incomplete: () => ({
      status: 200,
      body: completion(JSON.stringify({ segments: [copy(0, 'Only one')] })),
    }),
    'same-names': () => ({
      status: 200,
      body: completion(JSON.stringify({ segments: [copy(0, 'Runners'), copy(1, 'runners')] })),
    }),
    invented: () => ({
      status: 200,
      body: completion(
        JSON.stringify({ segments: [copy(0, 'Runners', '87 % run daily'), copy(1, 'Joggers')] }),
      ),
    }),
    error: () => ({ status: 500, body: '{"error":{"message":"overloaded"}}' }),
    slow: (request) => ({ status: 200, body: completion(copyFor(request)), delayMs: 2_000 }),
  };

interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  authorization: string | undefined;
}

const received: ChatRequest[] = [];
let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((request, response) => void answer(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function answer(request: IncomingMessage, response: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const chat: ChatRequest = { ...body, authorization: request.headers.authorization };
  received.push(chat);
  const [, mode, ...rest] = (request.url ?? '').split('/');
  const reply = rest.join('/') === 'chat/completions' ? ANSWERS[mode ?? '']?.(chat) : undefined;
  const { status, body: text, delayMs = 0 } = reply ?? { status: 404, body: 'not found' };
  setTimeout(() => response.writeHead(status, { 'content-type': 'application/json' }).end(text), delayMs);
}

function completion(content: string): string {
  return JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content } }] });
}

function copy(index: number, name: string, profile = 'Runners around 32 years old') {
  return {
    index,
    name,
    demographicProfile: profile,
    geographicFocus: 'Mostly Europe (96 %)',
    interestsAndBehaviours: ['Running: 39 % vs 13 % overall'],
  };
}

/** One copy per segment of the request, named after its index. */
function copyFor(request: ChatRequest): string {
  const prompt = JSON.parse(request.messages.find(({ role }) => role === 'user')?.content ?? '{}');
  return JSON.stringify({
    segments: prompt.segments.map(({ index }: { index: number }) =>
      copy(index, `Trail-curious runners ${index + 1}`),
    ),
  });
}

const configFor = (mode: string, timeoutMs = 1_000): LanguageModelConfig => ({
  baseUrl: `${origin}/${mode}/`,
  model: 'prism-test-model',
  apiKey: 'sk-test',
  timeoutMs,
});

describe('polishDescriptions', () => {
  it('uses the names and copy of a well-formed answer, keeping pain points, contrasts and sizes', async () => {
    const polished = await polishDescriptions(statistical, brief, configFor('success'));
    expect(polished.describedBy).toBe('language_model');
    expect(polished.fallbackReason).toBeUndefined();
    expect(polished.descriptions.map(({ name }) => name)).toEqual([
      'Trail-curious runners 1',
      'Trail-curious runners 2',
    ]);
    expect(polished.descriptions[0]).toMatchObject({
      geographicFocus: 'Mostly Europe (96 %)',
      painPoints: statistical[0]?.painPoints,
      contrasts: statistical[0]?.contrasts,
      size: 750,
      share: 0.25,
    });
  });

  it('posts the model, the key and the statistical descriptions to /chat/completions', async () => {
    received.length = 0;
    await polishDescriptions(statistical, brief, configFor('success'));
    const [request] = received;
    expect(request).toMatchObject({ model: 'prism-test-model', authorization: 'Bearer sk-test' });
    const prompt = JSON.parse(request?.messages.find(({ role }) => role === 'user')?.content ?? '{}');
    expect(prompt.segments).toHaveLength(2);
    expect(prompt.segments[0]).toMatchObject({ index: 0, name: statistical[0]?.name, size: 750, share: 25 });
  });

  it('accepts an answer wrapped in a code fence', async () => {
    expect((await polishDescriptions(statistical, brief, configFor('fenced'))).describedBy).toBe(
      'language_model',
    );
  });

  it.each([
    ['garbage', /language model failed/],
    ['not-json', /language model failed/],
    ['incomplete', /every segment exactly once/],
    ['same-names', /same name/],
    ['invented', /invented figures for segment 0/],
    ['error', /HTTP 500/],
    ['missing', /HTTP 404/],
  ])('falls back to the statistical descriptions on a %s answer', async (mode, reason) => {
    const polished = await polishDescriptions(statistical, brief, configFor(mode));
    expect(polished).toEqual({
      descriptions: statistical,
      describedBy: 'statistical',
      fallbackReason: expect.stringMatching(reason),
    });
  });

  it('falls back when the endpoint is slower than the timeout', async () => {
    const started = Date.now();
    const polished = await polishDescriptions(statistical, brief, configFor('slow', 200));
    expect(polished.describedBy).toBe('statistical');
    expect(polished.fallbackReason).toMatch(/aborted|timeout/i);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('falls back when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const polished = await polishDescriptions(statistical, brief, {
      baseUrl: `http://127.0.0.1:${port}`,
      model: 'm',
    });
    expect(polished).toMatchObject({
      describedBy: 'statistical',
      fallbackReason: expect.stringMatching(/failed/),
    });
  });

  it('keeps the statistical descriptions when no model is configured', async () => {
    expect(await polishDescriptions(statistical, brief, undefined)).toEqual({
      descriptions: statistical,
      describedBy: 'statistical',
      fallbackReason: 'no language model configured',
    });
  });
});
