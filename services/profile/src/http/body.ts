import type { IncomingMessage } from 'node:http';
import { PassThrough, type Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** A request body the server refuses (413 when too large, else 400), with an UPPER_SNAKE `code`. */
export class BodyError extends Error {
  constructor(
    readonly code: 'BODY_TOO_LARGE' | 'UNSUPPORTED_CONTENT_ENCODING' | 'MALFORMED_GZIP',
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }

  get status(): 400 | 413 {
    return this.code === 'BODY_TOO_LARGE' ? 413 : 400;
  }
}

/**
 * Reads the whole body, gunzipping `Content-Encoding: gzip`. Both the bytes received and the bytes
 * decoded are counted as they stream, and reading fails as soon as either passes `limit`: a small
 * gzip bomb never gets inflated in full. On failure the rest of the body is still drained (and
 * discarded), so the client reads the error response instead of a reset connection.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new BodyError('BODY_TOO_LARGE', `the body exceeds ${limit} bytes`);
    const inflatesTooLarge = () =>
      new BodyError('BODY_TOO_LARGE', `the gzip body inflates to more than ${limit} bytes`);
    if (Number(request.headers['content-length']) > limit) {
      request.resume();
      reject(tooLarge());
      return;
    }
    let decoder: Transform;
    try {
      decoder = decoderFor(request.headers['content-encoding']);
    } catch (error) {
      request.resume();
      reject(error);
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let decoded = 0;
    let settled = false;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      request.unpipe(decoder);
      request.resume(); // drain whatever is left
      decoder.destroy();
      if (error) reject(error);
      else resolve(Buffer.concat(chunks));
    };
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) settle(tooLarge());
    });
    request.on('error', settle);
    request.on('close', () => {
      if (!request.complete) settle(new Error('the client aborted the request'));
    });
    decoder.on('data', (chunk: Buffer) => {
      decoded += chunk.length;
      if (decoded > limit) settle(inflatesTooLarge());
      else chunks.push(chunk);
    });
    decoder.on('error', () => settle(new BodyError('MALFORMED_GZIP', 'the body is not valid gzip')));
    decoder.on('end', () => settle());
    request.pipe(decoder);
  });
}

function decoderFor(header: string | undefined): Transform {
  const encoding = (header ?? 'identity').trim().toLowerCase();
  if (encoding === 'gzip') return createGunzip();
  if (encoding === 'identity' || encoding === '') return new PassThrough();
  throw new BodyError(
    'UNSUPPORTED_CONTENT_ENCODING',
    `Content-Encoding "${header}" is not supported; use gzip`,
  );
}
