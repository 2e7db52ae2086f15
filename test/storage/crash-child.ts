// Child process for crash.test.ts: writes the missing pieces of CRASH_FILES under argv[2] in a
// shuffled order, four at a time, and prints "ok <file> <piece>" once each write has resolved,
// until the parent kills it with SIGKILL (or everything is written).
import { writeSync } from 'node:fs';
import { FsStorage } from '../../src/storage/fs-storage.js';
import { seededRandom } from '../../src/swarm/picker-random.js';
import { CRASH_FILES } from './crash-files.js';
import { pieceBytes } from './helpers.js';

const [root, seedArg] = process.argv.slice(2);
const random = seededRandom(Number(seedArg));
const s = await FsStorage.open(root, CRASH_FILES);
const missing: Array<[number, number]> = [];
CRASH_FILES.forEach((f, i) => {
  for (let p = 0; p < s.layout.pieceCounts[i]; p++) if (!s.isVerified(i, p)) missing.push([i, p]);
});
for (let i = missing.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [missing[i], missing[j]] = [missing[j], missing[i]];
}
writeSync(1, `start ${missing.length}\n`);
async function worker(): Promise<void> {
  for (let next = missing.pop(); next; next = missing.pop()) {
    const [file, piece] = next;
    await s.writePiece(file, piece, pieceBytes(CRASH_FILES[file], file, piece));
    writeSync(1, `ok ${file} ${piece}\n`);
  }
}
await Promise.all([worker(), worker(), worker(), worker()]);
await s.close();
writeSync(1, 'done\n');
