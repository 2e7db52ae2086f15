// The HTTP plumbing of the announce handler, plain Web APIs only (Request,
// Response, streams) so that it runs unchanged in Node and in workerd: bounded
// body reading, strict JSON, and the response shapes with their cache headers.
import { ApiError } from './api-error.js';

const COMMON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'access-control-allow-origin': '*',
};

/** Cache-Control values: reads may be cached briefly, writes and errors never. */
export const CACHE_READ = 'public, max-age=30';
export const CACHE_NONE = 'no-store';

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}, head = false): Response {
  const text = JSON.stringify(body);
  return new Response(head ? null : text, { status, headers: { ...COMMON_HEADERS, 'cache-control': CACHE_NONE, ...headers } });
}

export function errorResponse(err: ApiError, headers: Record<string, string> = {}): Response {
  return jsonResponse(err.status, err.toJSON(), headers);
}

/** A 304 for a conditional GET whose ETag matched. */
export function notModified(headers: Record<string, string>): Response {
  return new Response(null, { status: 304, headers: { 'access-control-allow-origin': '*', ...headers } });
}

/**
 * Reads at most `max` bytes of body. A declared Content-Length over the limit is
 * refused before reading; a body that turns out longer is cut off at the limit.
 */
export async function readBody(message: Pick<Request, 'headers' | 'body'>, max: number): Promise<Uint8Array> {
  const tooLarge = () => new ApiError('BODY_TOO_LARGE', `the body is larger than ${max} bytes`);
  const declared = message.headers.get('content-length');
  if (declared !== null && (!/^\d+$/.test(declared) || Number(declared) > max)) throw tooLarge();
  if (message.body === null) return new Uint8Array(0);
  const reader = message.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The body as JSON: invalid UTF-8, syntax errors and an empty body are BAD_JSON. */
export async function readJson(message: Pick<Request, 'headers' | 'body'>, max: number): Promise<unknown> {
  const bytes = await readBody(message, max);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ApiError('BAD_JSON', 'the body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError('BAD_JSON', `the body is not JSON: ${(err as Error).message.slice(0, 100)}`);
  }
}
