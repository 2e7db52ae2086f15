// Bytes an update really moves, end to end (docs/UPDATES.md): for each dataset of the update
// benchmark (update-datasets.ts, real npm packages), real `bytefall` processes on 127.0.0.1:
// the old version is created and seeded once in a node's directory (its state recorded), the
// new one published and seeded elsewhere, and `bytefall update` moves the node to it. Printed:
// the protocol bytes the updating node received and sent (after TLS, framing included: VERSION,
// the Waterfall, HASHES, PIECE...), next to rsync's literal data on the same two trees.
// A second copy of the old node learns the new version from the seeder alone (VERSION, the
// Waterfall and the hashes over the wire too). Both directions are printed next to rsync's
// total. Peak RSS of the updating process too.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesText } from '../src/update/plan-text.js';
import { machineLine, printTable } from './common.js';
import { DATASETS, unpacked } from './update-datasets.js';
import { rsyncLiteral } from './update-peers.js';

const CLI = fileURLToPath(new URL('../../bin/bytefall.js', import.meta.url));

function run(args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bytefall ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

interface Events { events: Record<string, unknown>[]; exited: Promise<number | null>; kill(sig?: NodeJS.Signals): void; rssKiB: Promise<number> }

/**
 * A `bytefall ... --json` process; with `timed`, under /usr/bin/time -v when present (for its
 * peak RSS: only for processes that exit by themselves, time does not pass on SIGINT).
 */
function start(args: string[], timed = false): Events {
  const time = '/usr/bin/time';
  const useTime = timed && spawnSync(time, ['-V'], { encoding: 'utf8' }).status === 0;
  const child = useTime
    ? spawn(time, ['-v', process.execPath, CLI, ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, [CLI, ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: Record<string, unknown>[] = [];
  let buf = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    buf += s;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      try {
        events.push(JSON.parse(buf.slice(0, nl)));
      } catch {
        // not JSON
      }
      buf = buf.slice(nl + 1);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const rssKiB = exited.then(() => Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1] ?? 0));
  return { events, exited, kill: (sig = 'SIGINT') => child.kill(sig), rssKiB };
}

async function waitFor(p: Events, match: (e: Record<string, unknown>) => boolean, ms = 120_000): Promise<Record<string, unknown>> {
  const end = Date.now() + ms;
  let exited = false;
  void p.exited.then(() => (exited = true));
  for (;;) {
    const e = p.events.find(match);
    if (e) return e;
    if (exited) throw new Error(`the process exited: ${JSON.stringify(p.events.slice(-3))}`);
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

process.stdout.write(`update, end to end: real processes on 127.0.0.1, ${machineLine()}\n`);
const rows: string[][] = [];
const only = process.env.BYTEFALL_BENCH_DATASET;
for (const ds of DATASETS.filter((d) => !only || d.name.startsWith(only))) {
  process.stderr.write(`${ds.name}...\n`);
  const work = mkdtempSync(join(tmpdir(), 'bytefall-bench-live-'));
  try {
    const oldDir = unpacked(ds, ds.from);
    const newDir = unpacked(ds, ds.to);
    const node = join(work, 'node');
    const pub = join(work, 'pub');
    cpSync(oldDir, node, { recursive: true, preserveTimestamps: true });
    cpSync(oldDir, pub, { recursive: true, preserveTimestamps: true });
    const key = join(work, 'k.key');
    const v1 = join(work, 'v1.waterfall');
    const v2 = join(work, 'v2.waterfall');
    run(['keygen', key]);
    run(['create', pub, '--key', key, '-o', v1, '-q']);
    // The node holds v1: a seed run over its copy records its state.
    const hold = start(['seed', v1, node, '--listen', '127.0.0.1:0']);
    await waitFor(hold, (e) => e.event === 'complete');
    hold.kill();
    await hold.exited;
    // The publisher moves its tree to the new version in place, as a publisher edits its site:
    // only changed files are rewritten (rsync -c), so the others keep their creation times. Without
    // rsync the tree is copied again, and every entry's creation time changes in the Waterfall.
    const synced = spawnSync('rsync', ['-a', '-c', '--delete', `${newDir}/`, `${pub}/`, '--exclude', '.bytefall']);
    if (synced.status !== 0) {
      rmSync(pub, { recursive: true, force: true });
      cpSync(newDir, pub, { recursive: true, preserveTimestamps: true });
    }
    run(['publish', pub, '--key', key, '--from', v1, '-o', v2, '-q']);
    // A second node holding v1, for the run where it learns v2 from the seeder alone.
    const follower = join(work, 'follower');
    cpSync(node, follower, { recursive: true, preserveTimestamps: true });
    const seeder = start(['seed', v2, pub, '--listen', '127.0.0.1:0']);
    const address = (await waitFor(seeder, (e) => e.event === 'listening')).address as string;
    await waitFor(seeder, (e) => e.event === 'complete');
    const upd = start(['update', v2, node, '--peer', address, '--listen', '127.0.0.1:0'], true);
    const code = await upd.exited;
    const done = upd.events.find((e) => e.event === 'complete');
    if (code !== 0 || !done) throw new Error(`update exited ${code}`);
    // The follower runs `seed` of v1 with the seeder as its peer: VERSION, the new Waterfall
    // (asked as a delta of its own), the hashes of changed files and the pieces all come over the wire.
    const fol = start(['seed', v1, follower, '--peer', address, '--listen', '127.0.0.1:0']);
    const folDone = await waitFor(fol, (e) => e.event === 'complete' && e.sequence === 2).catch(() => undefined);
    fol.kill();
    await fol.exited;
    seeder.kill();
    await seeder.exited;
    const verify = spawnSync(process.execPath, [CLI, 'verify', v2, node], { encoding: 'utf8' });
    const verifyFol = spawnSync(process.execPath, [CLI, 'verify', v2, follower], { encoding: 'utf8' });
    const rsync = rsyncLiteral(oldDir, newDir);
    const got = done.wireBytesReceived as number;
    const sent = done.wireBytesSent as number;
    const ratio = (n: number, d?: number) => (d ? `${(n / d).toFixed(2)}x` : '-');
    const folGot = folDone?.wireBytesReceived as number | undefined;
    const folSent = folDone?.wireBytesSent as number | undefined;
    rows.push([
      ds.name,
      bytesText((done.bytesTotal as number) ?? 0),
      bytesText(got) + (process.env.BYTEFALL_BENCH_BREAKDOWN ? ' ' + JSON.stringify(done.wireBytesReceivedByType) : ''),
      bytesText(sent),
      rsync.bytes !== undefined ? bytesText(rsync.bytes) : rsync.note ?? '-',
      ratio(got, rsync.bytes),
      folGot !== undefined ? `${bytesText(folGot)} (${ratio(folGot, rsync.bytes)})` + (process.env.BYTEFALL_BENCH_BREAKDOWN ? ' ' + JSON.stringify(folDone!.wireBytesReceivedByType) : '') : 'did not reach v2',
      `${bytesText(got + sent)} / ${rsync.total ? bytesText(rsync.total) : '-'} (${ratio(got + sent, rsync.total)})`,
      folGot !== undefined ? bytesText(folGot + folSent!) : '-',
      `${((await upd.rssKiB) / 1024).toFixed(0)} MiB`,
      verify.status === 0 && verifyFol.status === 0 ? 'ok' : 'FAILED',
    ]);
  } catch (err) {
    rows.push([ds.name, `error: ${(err as Error).message}`]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
printTable('update, end to end', [
  'dataset', 'new size', 'received', 'sent', 'rsync literal', 'received / rsync',
  'learned from a peer: received (/ rsync)', 'both ways / rsync both ways', 'learned from a peer: both ways', 'peak RSS (update)', 'verify',
], rows);
process.stdout.write('received: `update <new.waterfall> <dir> --peer` (the Waterfall and its .layers given); learned from a peer: `seed <old.waterfall>` meets the seeder and fetches the Waterfall and hashes too. Both ways: received + sent; rsync both ways: its total bytes sent + received.\n');
