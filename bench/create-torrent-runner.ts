// Runs create-torrent (npm) on a path in its own process, for bench/create.ts.
// Usage: node create-torrent-runner.js <path> <pieceLength> <out>
import createTorrent from 'create-torrent';
import { writeFileSync } from 'node:fs';

const [path, pieceLength, out] = process.argv.slice(2);
createTorrent(path, { pieceLength: Number(pieceLength) }, (err: Error | null, torrent: Uint8Array) => {
  if (err) {
    console.error(err.message);
    process.exit(1);
  }
  writeFileSync(out, torrent);
});
