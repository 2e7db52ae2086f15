// `bytefall announce-server` as a user runs it: it prints its URL, serves the API,
// keeps its data, and stops cleanly on SIGTERM; bad arguments are one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bytefall, cliPath, isOneLineError, tempDir } from '../helpers/cli.js';
import { nodeKit, testRecordJson } from './kit.js';

test('announce-server: serves on the port it prints, stores in --data, stops on SIGTERM', { timeout: 30_000 }, async (t) => {
  const { dir, cleanup } = tempDir('bytefall-announce-cli-');
  t.after(cleanup);
  const child = spawn(process.execPath, [cliPath, 'announce-server', '--listen', '127.0.0.1:0', '--data', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', () => reject(new Error(`exited early: ${out} ${err}`)));
  });
  const { swarmId } = nodeKit();
  const put = await fetch(`${url}/v1/swarms/${swarmId}/record`, { method: 'PUT', body: JSON.stringify(testRecordJson(1)) });
  assert.equal(put.status, 201);
  assert.ok(existsSync(join(dir, 'swarms', `${swarmId}.json`)));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exit, 0, err);
  assert.match(out, /announce server stopped/);
});

test('announce-server: bad arguments are one-line errors with exit 2', () => {
  const { dir, cleanup } = tempDir('bytefall-announce-cli-');
  try {
    for (const args of [
      ['--listen', 'nowhere', '--data', dir],
      ['--listen', '127.0.0.1:0', '--data', dir, '--address-policy', 'open'],
      ['--listen', '127.0.0.1:0', '--data', dir, '--rate-limit', 'lots'],
      ['--listen', '127.0.0.1:0'],
    ]) {
      const r = bytefall(['announce-server', ...args]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.ok(isOneLineError(r.stderr), r.stderr);
    }
  } finally {
    cleanup();
  }
});
