import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ConfigError, exitOnConfigError, loadConfig } from './config.js';
import { commonEnv, port } from './fields.js';

const schema = z.object({ ...commonEnv, STRATEGY_GRPC_PORT: port(50051), STRATEGY_DB: z.string() });

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills every common variable with its default', () => {
    const config = loadConfig(schema, { STRATEGY_DB: 'strategy' });
    expect(config).toEqual({
      NATS_URL: 'nats://127.0.0.1:4222',
      MONGO_URL: 'mongodb://127.0.0.1:27017/',
      LOG_LEVEL: 'info',
      PRISM_SUBJECT_PREFIX: 'prism',
      PRISM_API_KEYS: new Map([['demo-key', 'demo']]),
      METRICS_PORT: 0,
      PRISM_RATE_LIMIT_RPS: 10_000,
      PRISM_RATE_LIMIT_BURST: 20_000,
      PRISM_TLS_CERT_FILE: undefined,
      PRISM_TLS_KEY_FILE: undefined,
      PRISM_TLS_CA_FILE: undefined,
      STRATEGY_GRPC_PORT: 50051,
      STRATEGY_DB: 'strategy',
    });
  });

  it('parses values given in the environment', () => {
    const config = loadConfig(schema, {
      STRATEGY_DB: 'strategy',
      STRATEGY_GRPC_PORT: '6000',
      METRICS_PORT: '9464',
      LOG_LEVEL: 'debug',
      MONGO_URL: 'mongodb://a:27017,b:27017/prism?replicaSet=rs0',
      PRISM_API_KEYS: 'acme:acme-secret-1, beta_2:beta-secret-2:with-colon',
    });
    expect(config.STRATEGY_GRPC_PORT).toBe(6000);
    expect(config.METRICS_PORT).toBe(9464);
    expect(config.LOG_LEVEL).toBe('debug');
    expect(config.MONGO_URL).toBe('mongodb://a:27017,b:27017/prism?replicaSet=rs0');
    expect(config.PRISM_API_KEYS).toEqual(
      new Map([
        ['acme-secret-1', 'acme'],
        ['beta-secret-2:with-colon', 'beta_2'],
      ]),
    );
  });

  it('names every wrong or missing variable in one message', () => {
    const error = configError(() =>
      loadConfig(schema, {
        STRATEGY_GRPC_PORT: 'abc',
        NATS_URL: 'http://localhost:4222',
        PRISM_SUBJECT_PREFIX: 'Prism.x',
      }),
    );
    expect(error.message).toBe(
      [
        'Invalid configuration:',
        '  NATS_URL: expected a nats:// or tls:// URL, got "http://localhost:4222"',
        '  PRISM_SUBJECT_PREFIX: expected a NATS subject token (a-z first, then a-z, 0-9, _), got "Prism.x"',
        '  STRATEGY_GRPC_PORT: expected an integer port 1-65535, got "abc"',
        '  STRATEGY_DB: required, not set',
      ].join('\n'),
    );
  });

  it('rejects ports out of range and allows 0 only where asked to', () => {
    const error = configError(() =>
      loadConfig(schema, { STRATEGY_DB: 'x', STRATEGY_GRPC_PORT: '0', METRICS_PORT: '70000' }),
    );
    expect(error.problems).toEqual([
      'METRICS_PORT: expected an integer port 0-65535, got "70000"',
      'STRATEGY_GRPC_PORT: expected an integer port 1-65535, got "0"',
    ]);
  });

  it('reads the per-space rate limit', () => {
    const limited = loadConfig(schema, {
      STRATEGY_DB: 'x',
      PRISM_RATE_LIMIT_RPS: '0',
      PRISM_RATE_LIMIT_BURST: '80',
    });
    expect(limited).toMatchObject({ PRISM_RATE_LIMIT_RPS: 0, PRISM_RATE_LIMIT_BURST: 80 });
    const error = configError(() => loadConfig(schema, { STRATEGY_DB: 'x', PRISM_RATE_LIMIT_BURST: '0' }));
    expect(error.problems).toEqual(['PRISM_RATE_LIMIT_BURST: expected a whole number 1-1000000000, got "0"']);
  });

  it('reports each bad API key entry without echoing keys', () => {
    const error = configError(() =>
      loadConfig(schema, {
        STRATEGY_DB: 'x',
        PRISM_API_KEYS: 'acme:short,Bad Space:long-enough-key,nocolon',
      }),
    );
    expect(error.problems).toEqual([
      'PRISM_API_KEYS: entry 1: key must be at least 8 characters, got <hidden>',
      'PRISM_API_KEYS: entry 2: space id "Bad Space" must match ^[a-z0-9][a-z0-9_-]{0,62}$, got <hidden>',
      'PRISM_API_KEYS: entry 3: expected space:key, got <hidden>',
    ]);
  });

  it('rejects a key given to two spaces', () => {
    const error = configError(() =>
      loadConfig(schema, { STRATEGY_DB: 'x', PRISM_API_KEYS: 'a:same-key-1,b:same-key-1' }),
    );
    expect(error.problems).toEqual(['PRISM_API_KEYS: entry 2: key is listed twice, got <hidden>']);
  });

  it('masks credentials of a rejected URL', () => {
    const error = configError(() =>
      loadConfig(schema, { STRATEGY_DB: 'x', MONGO_URL: 'postgres://u:pw@db/x' }),
    );
    expect(error.problems).toEqual([
      'MONGO_URL: expected a mongodb:// or mongodb+srv:// URL, got "postgres://***@db/x"',
    ]);
  });

  it('gives each load its own API key map', () => {
    const first = loadConfig(schema, { STRATEGY_DB: 'x' });
    first.PRISM_API_KEYS.set('injected-key', 'evil');
    expect(loadConfig(schema, { STRATEGY_DB: 'x' }).PRISM_API_KEYS.has('injected-key')).toBe(false);
  });
});

describe('TLS files', () => {
  const folder = mkdtempSync(join(tmpdir(), 'prism-config-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(folder, name), text);
    return join(folder, name);
  };
  const cert = file('cert.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const key = file('key.pem', '-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n');
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('is plaintext unless configured', () => {
    const config = loadConfig(schema, { STRATEGY_DB: 'x' });
    expect([config.PRISM_TLS_CERT_FILE, config.PRISM_TLS_KEY_FILE, config.PRISM_TLS_CA_FILE]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('reads the certificate, key and CA once, as PEM text', () => {
    const config = loadConfig(schema, {
      STRATEGY_DB: 'x',
      PRISM_TLS_CERT_FILE: cert,
      PRISM_TLS_KEY_FILE: key,
      PRISM_TLS_CA_FILE: cert,
    });
    expect(config.PRISM_TLS_CERT_FILE).toContain('BEGIN CERTIFICATE');
    expect(config.PRISM_TLS_KEY_FILE).toContain('BEGIN PRIVATE KEY');
    expect(config.PRISM_TLS_CA_FILE).toBe(config.PRISM_TLS_CERT_FILE);
  });

  it('names the missing half of the server pair', () => {
    expect(
      configError(() => loadConfig(schema, { STRATEGY_DB: 'x', PRISM_TLS_CERT_FILE: cert })).problems,
    ).toEqual(['PRISM_TLS_KEY_FILE: required when PRISM_TLS_CERT_FILE is set, not set']);
    expect(
      configError(() => loadConfig(schema, { STRATEGY_DB: 'x', PRISM_TLS_KEY_FILE: key })).problems,
    ).toEqual(['PRISM_TLS_CERT_FILE: required when PRISM_TLS_KEY_FILE is set, not set']);
  });

  it('trusts a CA without serving TLS itself', () => {
    expect(loadConfig(schema, { STRATEGY_DB: 'x', PRISM_TLS_CA_FILE: cert }).PRISM_TLS_CA_FILE).toContain(
      'BEGIN CERTIFICATE',
    );
  });

  it('refuses a missing or non-PEM file, showing its path', () => {
    const missing = join(folder, 'absent.pem');
    const error = configError(() =>
      loadConfig(schema, {
        STRATEGY_DB: 'x',
        PRISM_TLS_CERT_FILE: missing,
        PRISM_TLS_KEY_FILE: file('notes.txt', 'not a key'),
      }),
    );
    expect(error.problems).toEqual([
      `PRISM_TLS_CERT_FILE: cannot read the file (ENOENT), got ${JSON.stringify(missing)}`,
      `PRISM_TLS_KEY_FILE: expected a PEM file, got ${JSON.stringify(join(folder, 'notes.txt'))}`,
    ]);
  });
});

describe('exitOnConfigError', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints the problems to stderr and exits with 1', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('exited');
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(() => exitOnConfigError(() => loadConfig(schema, {}))).toThrow('exited');
    expect(exit).toHaveBeenCalledWith(1);
    expect(stderr).toHaveBeenCalledWith('Invalid configuration:\n  STRATEGY_DB: required, not set\n');
  });

  it('returns the config when it is valid and lets other errors through', () => {
    expect(exitOnConfigError(() => loadConfig(schema, { STRATEGY_DB: 'x' })).STRATEGY_DB).toBe('x');
    expect(() =>
      exitOnConfigError(() => {
        throw new TypeError('bug');
      }),
    ).toThrow(TypeError);
  });
});
