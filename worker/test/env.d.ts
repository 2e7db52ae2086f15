// The bindings `env` from cloudflare:test has in these tests: the Worker's own.
declare namespace Cloudflare {
  interface Env {
    SWARMS: DurableObjectNamespace<import('../src/swarm-object.js').SwarmObject>;
    RATE_LIMITER?: RateLimit;
    ADDRESS_POLICY?: string;
  }
}
