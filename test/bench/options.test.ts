// The benches read their command lines strictly: each bad argument is one line and exit 2,
// `--help` is the usage and exit 0 (run as real processes, as a user runs them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench');
const run = (script: string, ...args: string[]) => spawnSync(process.execPath, [join(bench, script), ...args], { encoding: 'utf8', timeout: 20_000 });

test('bench arguments: bad ones are refused with one line and the usage, --help prints the usage', () => {
  const cases: [string, string[], RegExp][] = [
    ['transfer.js', ['--runs', 'abc'], /^bench: --runs needs a positive whole number, not 'abc'$/],
    ['transfer.js', ['--bogus'], /^bench: Unknown option '--bogus'/],
    ['transfer.js', ['--only', 'three'], /^bench: --only is one of one, swarm, not 'three'$/],
    ['transfer.js', ['--compare', '/nonexistent/checkout'], /^bench: --compare \/nonexistent\/checkout: not a built ByteFall checkout/],
    ['transport-tls.js', ['12x'], /^bench: the size in MiB must be a positive whole number, not '12x'$/],
    ['transport-tls.js', ['1', '2'], /^bench: unexpected argument 2$/],
    ['announce-sim.js', ['--peerless=2'], /^bench: --peerless wants a fraction from 0 to 1, not '2'$/],
    ['announce-sim.js', ['1'], /^bench: a swarm has at least 2 nodes$/],
    ['startup.js', ['--runs', '0'], /^bench: --runs needs a positive whole number, not '0'$/],
    ['create-small-files.js', ['--files=-3'], /^bench: --files needs a positive whole number, not '-3'$/],
  ];
  for (const [script, args, line] of cases) {
    const r = run(script, ...args);
    const lines = r.stderr.trim().split('\n');
    assert.equal(r.status, 2, `${script} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
    assert.match(lines[0], line, `${script} ${args.join(' ')}`);
    assert.match(lines[1], /^usage: node dist\/bench\//);
    assert.equal(lines.length, 2, r.stderr);
    assert.equal(r.stdout, '', 'nothing ran');
  }
  const help = run('transfer.js', '--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^usage: node dist\/bench\/transfer\.js \[--mib 1024\]/);
});
