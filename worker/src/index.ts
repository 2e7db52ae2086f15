// The announce service on Cloudflare Workers (docs/ANNOUNCE.md): a thin adapter
// around the one handler in src/announce/handler.ts. State lives in one Durable
// Object per swarm; client limits in Cloudflare's rate limiting binding.
import { createAnnounceHandler, type AnnounceHandler } from '../../src/announce/handler.js';
import { isAddressPolicy } from '../../src/announce/address-policy.js';
import type { RateLimiter } from '../../src/announce/rate-limit.js';
import { DurableSwarmStore } from './durable-store.js';
import { swarmIdOf } from './blake3.js';
import type { Env } from './env.js';

export { SwarmObject } from './swarm-object.js';

let handler: AnnounceHandler | undefined;

function bindingLimiter(binding: RateLimit): RateLimiter {
  return { limit: async (key) => (await binding.limit({ key })).success };
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    handler ??= createAnnounceHandler({
      store: new DurableSwarmStore(env.SWARMS),
      swarmIdOf,
      limiter: env.RATE_LIMITER ? bindingLimiter(env.RATE_LIMITER) : undefined,
      addressPolicy: isAddressPolicy(env.ADDRESS_POLICY) ? env.ADDRESS_POLICY : 'public',
      log: (line) => console.error(line),
    });
    return handler(request, { ip: request.headers.get('cf-connecting-ip') ?? '' });
  },
} satisfies ExportedHandler<Env>;
