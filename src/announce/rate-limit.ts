// Per-client request limits. The Worker uses Cloudflare's rate limiting binding
// behind the same interface; the embedded server uses this token bucket, which
// keeps at most `maxKeys` clients in memory.
import { isIPv6 } from 'node:net';
import { ipv6ToBytes } from '../net/ip.js';

export interface RateLimiter {
  /** True when the client identified by `key` may make one more request now. */
  limit(key: string): Promise<boolean>;
}

export interface TokenBucketOptions {
  perMinute: number;
  /** Requests allowed at once after a quiet spell (default: perMinute). */
  burst?: number;
  now?: () => number;
  maxKeys?: number;
}

export class TokenBucketLimiter implements RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #perMs: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #maxKeys: number;

  constructor(opts: TokenBucketOptions) {
    if (!(opts.perMinute > 0)) throw new RangeError(`perMinute must be > 0, got ${opts.perMinute}`);
    this.#perMs = opts.perMinute / 60_000;
    this.#burst = opts.burst ?? opts.perMinute;
    this.#now = opts.now ?? Date.now;
    this.#maxKeys = opts.maxKeys ?? 10_000;
  }

  get size(): number {
    return this.#buckets.size;
  }

  async limit(key: string): Promise<boolean> {
    return this.take(key);
  }

  take(key: string): boolean {
    const now = this.#now();
    const b = this.#buckets.get(key);
    const tokens = b ? Math.min(this.#burst, b.tokens + (now - b.at) * this.#perMs) : this.#burst;
    if (!b && this.#buckets.size >= this.#maxKeys) this.#evict(now);
    if (tokens < 1) {
      this.#buckets.set(key, { tokens, at: now });
      return false;
    }
    this.#buckets.delete(key); // re-insert: the Map's order is least recently used first
    this.#buckets.set(key, { tokens: tokens - 1, at: now });
    return true;
  }

  /** Drops full buckets (they hold no information), then the least recently used. */
  #evict(now: number): void {
    for (const [key, b] of this.#buckets) {
      if (b.tokens + (now - b.at) * this.#perMs >= this.#burst) this.#buckets.delete(key);
    }
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size < this.#maxKeys) break;
      this.#buckets.delete(key);
    }
  }
}

/** The key a client is limited by: its IP, an IPv6 client by its /64 (one site's whole allocation). */
export function clientKey(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const b = ipv6ToBytes(ip);
  if (!b) return ip;
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  return `${Array.from(b.subarray(0, 8), (x) => x.toString(16).padStart(2, '0')).join('')}/64`;
}
