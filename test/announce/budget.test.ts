// The request budget, end to end: the simulation of bench/announce-sim.ts (the real
// poll policy and interval control on a virtual clock) must meet its goals at 100
// and 10,000 nodes: at most 10,000 requests on every day (the day every node joins, too),
// 99% aware within 15 minutes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';

test('budget: the simulation meets its goals at 100 and 10,000 nodes', () => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'bench', 'announce-sim.js'), '100', '10000'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.split('\n').filter((l) => /^\d[\d,]*\s/.test(l));
  assert.equal(rows.length, 2, r.stdout);
  for (const row of rows) {
    const cells = row.trim().split(/\s{2,}/);
    const day0 = Number(cells[3].replace(/,/g, ''));
    const steadyMax = Number(cells[5].replace(/,/g, ''));
    assert.ok(day0 <= 10_000, row);
    if (cells[0] === '10,000') assert.ok(day0 < 5_000, `joining costs far less than one request per node: ${row}`);
    assert.ok(steadyMax <= 10_000, row);
    assert.equal(cells[12], 'met', row);
  }
});
