// The Worker's bindings (wrangler.toml).
import type { SwarmObject } from './swarm-object.js';

export interface Env {
  /** One Durable Object per swarm, named by the swarm id. */
  SWARMS: DurableObjectNamespace<SwarmObject>;
  /** Cloudflare's rate limiting binding, keyed by client address (optional). */
  RATE_LIMITER?: RateLimit;
  /** 'public' (default) or 'any' (for local tests of a LAN deployment). */
  ADDRESS_POLICY?: string;
}
