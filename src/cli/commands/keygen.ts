// `bytefall keygen <keyfile>`: a new publisher key, written owner-only.
import type { Command } from 'commander';
import { writeNewKeyFile } from '../../keys/keyfile.js';
import { toHex } from '../../util/hex.js';
import { Output } from '../output.js';

export function registerKeygen(program: Command): void {
  program
    .command('keygen')
    .description('create a new publisher key file (mode 0600; never overwrites)')
    .argument('<keyfile>', 'where to write the key')
    .option('--json', 'print one JSON line')
    .action((keyfile: string, opts: { json?: boolean }) => {
      const out = new Output(opts);
      const { publicKey } = writeNewKeyFile(keyfile);
      out.event({ event: 'keygen', keyFile: keyfile, publicKey: toHex(publicKey) });
      out.line(`wrote ${keyfile} (keep it private; back it up)`);
      out.line(`public key: ${toHex(publicKey)}`);
    });
}
