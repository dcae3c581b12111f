import { stripVTControlCharacters } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runInContext } from './context.js';
import { chooseLogFormat, prettyLogLine } from './format.js';
import { createLogger } from './logger.js';
import { newTraceparent, parseTraceparent } from './trace.js';

function captured(service: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(service, {
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });
  return { logger, lines };
}

describe('createLogger', () => {
  it('stamps lines logged inside a request context with service, traceId and spaceId', async () => {
    const { logger, lines } = captured('strategy');
    await runInContext({ traceId: 'a'.repeat(32), spaceId: 'acme' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info({ campaign: 'c1' }, 'approach changed');
    });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        service: 'strategy',
        traceId: 'a'.repeat(32),
        spaceId: 'acme',
        campaign: 'c1',
        msg: 'approach changed',
      }),
    ]);
  });

  it('keeps concurrent requests apart and adds nothing outside a context', async () => {
    const { logger, lines } = captured('persona');
    const serve = (traceId: string, delayMs: number) =>
      runInContext({ traceId }, async () => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        logger.info(traceId);
      });
    await Promise.all([serve('1'.repeat(32), 5), serve('2'.repeat(32), 1)]);
    logger.warn('outside');
    expect(lines.map((line) => [line.msg, line.traceId, 'spaceId' in line])).toEqual([
      ['2'.repeat(32), '2'.repeat(32), false],
      ['1'.repeat(32), '1'.repeat(32), false],
      ['outside', undefined, false],
    ]);
  });

  it('drops lines below the configured level', () => {
    const lines: string[] = [];
    const logger = createLogger('profile', {
      level: 'warn',
      destination: { write: (line) => lines.push(line) },
    });
    logger.info('hidden');
    logger.error('shown');
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['shown']);
  });
});

describe('chooseLogFormat', () => {
  const terminal = { isTTY: true };
  const pipe = { isTTY: undefined };

  it('prints pretty lines for a person at a terminal and JSON into a pipe or file', () => {
    expect(chooseLogFormat({}, terminal)).toBe('pretty');
    expect(chooseLogFormat({}, pipe)).toBe('json');
  });

  it('lets LOG_FORMAT override what the output is', () => {
    expect(chooseLogFormat({ LOG_FORMAT: 'json' }, terminal)).toBe('json');
    expect(chooseLogFormat({ LOG_FORMAT: 'pretty' }, pipe)).toBe('pretty');
    expect(chooseLogFormat({ LOG_FORMAT: '' }, terminal)).toBe('pretty');
  });

  it('refuses a LOG_FORMAT it does not know', () => {
    expect(() => chooseLogFormat({ LOG_FORMAT: 'yaml' }, terminal)).toThrow(/json or pretty/);
  });
});

describe('pretty log lines', () => {
  it('show time, level, service and message on one line, without pid and hostname', () => {
    const lines: string[] = [];
    const logger = createLogger('strategy', {
      format: 'pretty',
      destination: { write: (line: string) => lines.push(line) },
    });
    logger.info({ port: 50051 }, 'strategy service listening');
    // Colours follow the terminal (FORCE_COLOR, NO_COLOR); the text is what matters here.
    expect(lines).toHaveLength(1);
    expect(stripVTControlCharacters(lines[0] ?? '')).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: strategy · strategy service listening \{"port":50051\}\n$/,
    );
  });

  it('turn a JSON line from another process into the same form', () => {
    const json = JSON.stringify({
      level: 'warn',
      time: '2026-01-01T00:00:00.000Z',
      service: 'persona',
      pid: 7,
      msg: 'slow',
    });
    expect(prettyLogLine({ colorize: false })(json)).toMatch(/^\[[\d:.]+\] WARN: persona · slow\n$/);
  });
});

const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));
const nonZeroHex = (length: number) => hex(length).filter((id) => /[1-9a-f]/.test(id));

describe('parseTraceparent', () => {
  it('accepts the W3C example header', () => {
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
    });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['unknown version', '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['forbidden version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['uppercase hex', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
    ['all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['all-zero span id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`],
    ['short trace id', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01'],
    ['trailing data', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra'],
    ['surrounding space', ' 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
  ])('rejects a header with %s', (_, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  it('round-trips any valid header', () => {
    fc.assert(
      fc.property(nonZeroHex(32), nonZeroHex(16), hex(2), (traceId, spanId, flags) => {
        expect(parseTraceparent(`00-${traceId}-${spanId}-${flags}`)).toEqual({ traceId, spanId });
      }),
    );
  });

  it('rejects a valid header with any one character replaced by a non-hex one', () => {
    const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.constantFrom('G', 'A', 'z', '-', ' ', '_'), (index, char) => {
        fc.pre(valid[index] !== char);
        expect(parseTraceparent(valid.slice(0, index) + char + valid.slice(index + 1))).toBeUndefined();
      }),
    );
  });
});

describe('newTraceparent', () => {
  it('starts a new valid trace with fresh ids each time', () => {
    const first = parseTraceparent(newTraceparent());
    const second = parseTraceparent(newTraceparent());
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(first?.traceId).not.toBe(second?.traceId);
  });

  it('continues a given trace with a new span', () => {
    fc.assert(
      fc.property(nonZeroHex(32), (traceId) => {
        expect(parseTraceparent(newTraceparent(traceId))?.traceId).toBe(traceId);
      }),
    );
  });

  it('refuses an invalid trace id', () => {
    expect(() => newTraceparent('0'.repeat(32))).toThrow(TypeError);
    expect(() => newTraceparent('xyz')).toThrow(TypeError);
  });
});
