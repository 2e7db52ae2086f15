// The Worker's tests run inside workerd (@cloudflare/vitest-pool-workers), with the
// bindings of wrangler.toml. The root is the repository, so that the Worker's imports
// of ../src and ../build/hash.wasm resolve as they do when wrangler bundles it.
// Run by test/announce/worker-runtime.test.ts (npm test), or: npx vitest run --config worker/vitest.config.ts
import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

const repo = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: repo,
  plugins: [cloudflareTest({ wrangler: { configPath: `${repo}worker/wrangler.toml` } })],
  test: { include: ['worker/test/**/*.test.ts'] },
});
