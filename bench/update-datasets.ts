// The update benchmark's data: real packages nobody here wrote, two versions of
// each, fetched with `npm pack` into a cache under the system temp dir (never the
// repository) and unpacked there: as a tree, or as the uncompressed .tar seen as
// one file. Directory mtimes are set to npm's fixed file time so that every tool
// sees the same metadata in both versions.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

export interface Dataset {
  name: string;
  pkg: string;
  from: string;
  to: string;
  form: 'tree' | 'tar';
  /** rsync's literal data as the issue quotes it, for the record. */
  quotedRsync?: number;
}

export const DATASETS: Dataset[] = [
  { name: 'caniuse-lite', pkg: 'caniuse-lite', from: '1.0.30001823', to: '1.0.30001826', form: 'tree', quotedRsync: 296_000 },
  { name: 'mdn-data', pkg: 'mdn-data', from: '2.36.0', to: '2.37.0', form: 'tree', quotedRsync: 2_900 },
  { name: 'browser-compat-data', pkg: '@mdn/browser-compat-data', from: '8.1.7', to: '8.1.9', form: 'tree', quotedRsync: 2_250_000 },
  { name: 'typescript (tree)', pkg: 'typescript', from: '5.8.2', to: '5.8.3', form: 'tree' },
  { name: 'typescript (.tar)', pkg: 'typescript', from: '5.8.2', to: '5.8.3', form: 'tar', quotedRsync: 155_000 },
];

export const CACHE_DIR = join(tmpdir(), 'bytefall-bench-update');
/** npm's fixed time for every file in a package: 1985-10-26T08:15:00Z. */
const NPM_TIME = new Date('1985-10-26T08:15:00Z');

const slug = (s: string) => s.replace(/[^a-z0-9.]+/gi, '-');

/** The .tgz of pkg@version in the cache, packed on first use. */
function tarball(pkg: string, version: string): string {
  mkdirSync(CACHE_DIR, { recursive: true });
  const file = join(CACHE_DIR, `${slug(pkg)}-${version}.tgz`);
  if (existsSync(file)) return file;
  const r = spawnSync('npm', ['pack', `${pkg}@${version}`, '--pack-destination', CACHE_DIR, '--silent'], { encoding: 'utf8' });
  const packed = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !packed || !existsSync(join(CACHE_DIR, packed))) {
    throw new Error(`npm pack ${pkg}@${version} failed: ${r.stderr.trim().split('\n').pop()}`);
  }
  renameSync(join(CACHE_DIR, packed), file);
  return file;
}

function touchDirs(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) touchDirs(p);
  }
  utimesSync(dir, NPM_TIME, NPM_TIME);
}

/** A directory holding version `version` of the dataset, in its form. */
export function unpacked(ds: Dataset, version: string): string {
  const dir = join(CACHE_DIR, `${slug(ds.pkg)}-${version}-${ds.form}`);
  const done = join(CACHE_DIR, `${slug(ds.pkg)}-${version}-${ds.form}.done`);
  if (existsSync(done)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tgz = tarball(ds.pkg, version);
  if (ds.form === 'tar') {
    writeFileSync(join(dir, 'package.tar'), gunzipSync(readFileSync(tgz)));
  } else {
    const r = spawnSync('tar', ['-xzf', tgz, '-C', dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tar -xzf ${tgz}: ${r.stderr}`);
  }
  touchDirs(dir);
  writeFileSync(done, '');
  return dir;
}
