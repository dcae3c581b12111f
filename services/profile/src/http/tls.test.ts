import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { apiKeyMetadata, callUnary, channelCredentials } from '@prism/grpc';
import { createLogger } from '@prism/log';
import { SpaceServiceClient } from '@prism/proto/prism/profile/v1/space';
import { isolatedInfra, selfSignedCertificate, type TestCertificate } from '@prism/testing';
import { TEST_ADMIN_KEY } from '@prism/testing/world';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProfileService } from '../app.js';
import { profileStarter } from '../testing/starter.js';
import { basicAuth, track } from './test-support.js';

const infra = isolatedInfra();
let certificate: TestCertificate;
let profile: RunningProfileService;
let writeKey: string;

beforeAll(async () => {
  certificate = await selfSignedCertificate();
  const env = {
    NATS_URL: infra.natsUrl,
    MONGO_URL: infra.mongoUrl,
    PRISM_SUBJECT_PREFIX: infra.subjectPrefix,
  };
  profile = await profileStarter(certificate.env).start(
    { env, db: infra.databaseFor('profile'), addresses: {} },
    createLogger('tls-test', { level: 'silent' }),
  );
  const spaces = new SpaceServiceClient(
    `127.0.0.1:${profile.port}`,
    channelCredentials({ PRISM_TLS_CA_FILE: certificate.cert }),
  );
  try {
    const request = { spaceId: 'acme', displayName: 'Acme' };
    ({ writeKey } = await callUnary(spaces, spaces.createSpace, apiKeyMetadata(TEST_ADMIN_KEY), request));
  } finally {
    spaces.close();
  }
});

afterAll(async () => {
  await profile?.stop();
  certificate?.remove();
  await infra.cleanup();
});

/** POSTs a batch over HTTPS trusting only the test certificate; the status and JSON body. */
function postBatchOverHttps(body: object): Promise<{ status?: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', authorization: basicAuth(writeKey) };
    const url = `https://127.0.0.1:${profile.httpPort}/v1/batch`;
    const request = httpsRequest(url, { method: 'POST', headers, ca: certificate.cert }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode, body: JSON.parse(Buffer.concat(chunks).toString()) }),
      );
    });
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

describe('the HTTP Tracking API with a certificate', () => {
  it('accepts a batch over HTTPS from a client that trusts the certificate', async () => {
    expect(await postBatchOverHttps({ batch: [track(0), track(1)] })).toEqual({
      status: 200,
      body: { success: true, accepted: 2, duplicates: 0, rejected: [] },
    });
  });

  it('drops a plain HTTP request', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const request = httpRequest(`http://127.0.0.1:${profile.httpPort}/healthz`, (response) => {
        response.resume();
        resolve(`status ${response.statusCode}`);
      });
      request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      request.end();
    });
    // The TLS handshake fails on the plain request's first bytes: the connection is dropped.
    expect(outcome).toBe('ECONNRESET');
  });
});
