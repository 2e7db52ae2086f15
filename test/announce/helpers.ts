// Shared by the announce tests: an embedded server on 127.0.0.1 (random port),
// and a request helper that sends a BadCase.
import { startAnnounceServer, type AnnounceServerOptions, type RunningAnnounceServer } from '../../src/announce/server.js';
import { type BadCase } from './bad-input-cases.js';

export async function withServer<T>(opts: Partial<AnnounceServerOptions>, fn: (s: RunningAnnounceServer) => Promise<T>): Promise<T> {
  const server = await startAnnounceServer({ host: '127.0.0.1', port: 0, ratePerMinute: 0, log: () => {}, ...opts });
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

/** Sends a case's request; a streamed body goes in 1 KiB chunks without a Content-Length. */
export async function send(base: string, c: Pick<BadCase, 'method' | 'path' | 'body' | 'stream'>, fetcher: typeof fetch = fetch): Promise<Response> {
  let body = c.body as RequestInit['body'];
  if (c.stream && c.body !== undefined) {
    const bytes = typeof c.body === 'string' ? new TextEncoder().encode(c.body) : c.body;
    let at = 0;
    body = new ReadableStream<Uint8Array>({
      pull(ctl) {
        ctl.enqueue(bytes.slice(at, at + 1024));
        at += 1024;
        if (at >= bytes.length) ctl.close();
      },
    });
  }
  return fetcher(base + c.path, { method: c.method, body, duplex: 'half', headers: { 'content-type': 'application/json' } } as RequestInit);
}
