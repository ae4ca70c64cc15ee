/**
 * One HTTP GET attempt with undici: bounded time, bounded size, the body decompressed
 * and checked against Content-Length. Failures come out as typed FeedErrors saying
 * whether a retry could help; retrying itself is the caller's business.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { request, type Dispatcher } from 'undici';
import { FeedHttpError, IncompleteBodyError, InvalidBodyError } from './errors.js';

export interface GetOptions {
  dispatcher: Dispatcher;
  headers: Record<string, string>;
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal | undefined;
}

export interface GetResponse {
  status: number;
  header(name: string): string | undefined;
  /** Decoded body for 2xx; empty otherwise. */
  body: Buffer;
  /** Whether the server declared Content-Length (the body was checked against it). */
  hadLength: boolean;
}

export const ACCEPT_ENCODING = 'gzip, br, deflate';

export async function getOnce(url: string, options: GetOptions): Promise<GetResponse> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const response = await request(url, {
      method: 'GET',
      headers: { 'accept-encoding': ACCEPT_ENCODING, ...options.headers },
      dispatcher: options.dispatcher,
      signal,
    });
    const header = (name: string): string | undefined => firstHeader(response.headers[name]);
    if (response.statusCode < 200 || response.statusCode >= 300) {
      await response.body.dump().catch(() => undefined);
      return { status: response.statusCode, header, body: Buffer.alloc(0), hadLength: false };
    }
    const raw = await readBody(url, response.body, header('content-length'), options.maxBytes);
    const body = await decode(url, raw, header('content-encoding'), options.maxBytes);
    return { status: response.statusCode, header, body, hadLength: header('content-length') !== undefined };
  } catch (error) {
    // The caller's own abort is not a feed failure: let it through untouched.
    if (options.signal?.aborted) throw options.signal.reason;
    throw asFeedError(url, error, timeout.aborted);
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(
  url: string,
  body: AsyncIterable<Buffer>,
  contentLength: string | undefined,
  maxBytes: number,
): Promise<Buffer> {
  const expected = contentLength === undefined ? undefined : Number(contentLength);
  const chunks: Buffer[] = [];
  let received = 0;
  try {
    for await (const chunk of body) {
      received += chunk.byteLength;
      if (received > maxBytes) throw tooLarge(url, received, maxBytes);
      chunks.push(chunk);
    }
  } catch (cause) {
    if (cause instanceof InvalidBodyError) throw cause;
    // Headers arrived but the stream broke: whatever we hold is a partial body.
    throw new IncompleteBodyError(url, received, { reason: 'truncated', expectedLength: expected, cause });
  }
  if (expected !== undefined && received !== expected) {
    throw new IncompleteBodyError(url, received, { reason: 'length-mismatch', expectedLength: expected });
  }
  return Buffer.concat(chunks, received);
}

const decoders: Record<
  string,
  (input: Buffer, options: zlib.ZlibOptions & zlib.BrotliOptions) => Promise<Buffer>
> = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};

async function decode(
  url: string,
  raw: Buffer,
  encoding: string | undefined,
  maxBytes: number,
): Promise<Buffer> {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  if (name === 'identity' || name === '') return raw;
  const decoder = decoders[name];
  if (decoder === undefined) {
    const message = `Unsupported Content-Encoding ${JSON.stringify(encoding)} from ${url}`;
    throw new InvalidBodyError(message, url, 'bad-encoding', raw.byteLength);
  }
  try {
    // maxOutputLength guards against a small compressed body that inflates without bound.
    return await decoder(raw, { maxOutputLength: maxBytes });
  } catch (cause) {
    if (cause instanceof RangeError) throw tooLarge(url, raw.byteLength, maxBytes);
    // A compressed stream that does not decode is, in practice, one that was cut off.
    throw new IncompleteBodyError(url, raw.byteLength, { reason: 'truncated', cause });
  }
}

function tooLarge(url: string, byteLength: number, maxBytes: number): InvalidBodyError {
  return new InvalidBodyError(`Body from ${url} exceeds ${maxBytes} bytes`, url, 'too-large', byteLength);
}

function asFeedError(url: string, error: unknown, timedOut: boolean): Error {
  if (error instanceof FeedHttpError || error instanceof InvalidBodyError) return error;
  const what = timedOut ? 'timed out' : `failed: ${error instanceof Error ? error.message : String(error)}`;
  return new FeedHttpError(`GET ${url} ${what}`, {
    url,
    status: null,
    attempts: 1,
    retryable: true,
    cause: error,
  });
}
