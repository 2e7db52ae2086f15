// Runs the Worker's vitest suite (worker/test, inside workerd through
// @cloudflare/vitest-pool-workers) and reports it here, so that Node's test
// runner gives the summary: every vitest test must pass, and there must be some.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, tempDir } from '../helpers/cli.js';
import { quietEnv, vitestBin } from './wrangler-env.js';

interface VitestJson {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  testResults: { name: string; assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
}

test('the Worker passes its vitest suite in workerd', { timeout: 180_000 }, async (t) => {
  const { dir, cleanup } = tempDir('bytefall-vitest-');
  t.after(cleanup);
  const out = join(dir, 'vitest.json');
  const child = spawn(process.execPath, [vitestBin, 'run', '--config', 'worker/vitest.config.ts', '--reporter=json', `--outputFile=${out}`], {
    cwd: repoRoot,
    env: quietEnv(dir),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so that a timeout stops workerd too
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  t.after(() => {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  let report: VitestJson;
  try {
    report = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    assert.fail(`vitest wrote no report (exit ${code}):\n${log.slice(-4000)}`);
  }
  const failed = report.testResults.flatMap((f) => f.assertionResults.filter((a) => a.status !== 'passed').map((a) => `${a.fullName}: ${a.status} ${a.failureMessages.join(' ').slice(0, 500)}`));
  assert.deepEqual(failed, [], `failing vitest tests:\n${failed.join('\n')}`);
  assert.ok(report.numTotalTests >= 60, `only ${report.numTotalTests} vitest tests ran`);
  assert.equal(report.numPassedTests, report.numTotalTests);
  assert.equal(code, 0, log.slice(-4000));
  t.diagnostic(`vitest in workerd: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
});
