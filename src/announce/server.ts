// The embedded announce service: the same handler as the Worker, on Node's HTTP
// server, with the swarms kept in files under a data directory (or in memory).
// `bytefall announce-server` runs it; tests and the demo start it in-process.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { BytefallError } from '../errors.js';
import { swarmIdOf } from '../format/digests.js';
import { createAnnounceHandler, type AnnounceHandler } from './handler.js';
import { FileAnnounceStore } from './file-store.js';
import { MemoryAnnounceStore, type AnnounceStore } from './store.js';
import { TokenBucketLimiter } from './rate-limit.js';
import { DEFAULT_RATE_PER_MINUTE } from './limits.js';
import { type AddressPolicy } from './address-policy.js';
import { type SwarmStateOptions } from './swarm-state.js';

export interface AnnounceServerOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  /** Keep swarms in files here; without it, in memory only. */
  dataDir?: string;
  /** Default 'any' (a LAN, the demo); 'public' for a server on the internet. */
  addressPolicy?: AddressPolicy;
  /** Requests per minute per client address; 0 turns the limit off. */
  ratePerMinute?: number;
  now?: () => number;
  stateOptions?: SwarmStateOptions;
  log?: (line: string) => void;
}

export interface RunningAnnounceServer {
  /** http://host:port, the URL nodes are given with --announce. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 10_000;

export async function startAnnounceServer(opts: AnnounceServerOptions): Promise<RunningAnnounceServer> {
  const store: AnnounceStore & { close?(): void } = opts.dataDir
    ? new FileAnnounceStore(opts.dataDir, opts.stateOptions)
    : new MemoryAnnounceStore(opts.stateOptions);
  const rate = opts.ratePerMinute ?? DEFAULT_RATE_PER_MINUTE;
  const handler = createAnnounceHandler({
    store,
    swarmIdOf,
    limiter: rate > 0 ? new TokenBucketLimiter({ perMinute: rate, now: opts.now }) : undefined,
    now: opts.now,
    addressPolicy: opts.addressPolicy ?? 'any',
    log: opts.log,
  });
  const server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS }, (req, res) => {
    serve(handler, req, res).catch((err) => {
      opts.log?.(`announce-server: ${(err as Error).message}`);
      res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new BytefallError('NET_LISTEN_FAILED', `cannot listen on ${opts.host}:${opts.port}: ${(err as NodeJS.ErrnoException).code ?? err.message}`, { cause: err })),
    );
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.close?.();
    },
  };
}

/** Node's request to a Web Request, the handler, and its Response back to Node. */
async function serve(handler: AnnounceHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const host = req.headers.host && /^[\w.:[\]-]+$/.test(req.headers.host) ? req.headers.host : 'localhost';
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  }
  let request: Request;
  try {
    request = new Request(`http://${host}${req.url ?? '/'}`, {
      method: req.method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
      duplex: 'half',
    } as RequestInit);
  } catch {
    res.writeHead(400, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
    res.end(JSON.stringify({ error: { code: 'BAD_REQUEST', message: 'not an HTTP request this service can read' } }));
    return;
  }
  const remote = req.socket.remoteAddress ?? '';
  const ip = remote.startsWith('::ffff:') && !remote.slice(7).includes(':') ? remote.slice(7) : remote;
  const response = await handler(request, { ip });
  const body = new Uint8Array(await response.arrayBuffer());
  const out: Record<string, string> = {};
  response.headers.forEach((v, k) => (out[k] = v));
  if (hasBody && !req.readableEnded) out.connection = 'close'; // the handler stopped reading: do not reuse the socket
  res.writeHead(response.status, out);
  res.end(body);
  if (out.connection === 'close') res.once('finish', () => req.destroy());
}
