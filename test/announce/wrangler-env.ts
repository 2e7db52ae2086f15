// How the tests run Cloudflare's tools: offline, no telemetry, no banner (the banner
// checks for updates), logs in a temp dir; the repo's own binaries from node_modules.
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';

export const workerDir = join(repoRoot, 'worker');
export const wranglerBin = join(repoRoot, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
export const vitestBin = join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');

export function quietEnv(logDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_SEND_ERROR_REPORTS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_HIDE_BANNER: 'true',
    WRANGLER_LOG_PATH: logDir,
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    CI: 'true',
  };
}
