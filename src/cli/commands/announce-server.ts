// `bytefall announce-server --listen HOST:PORT --data DIR`: the announce service
// (docs/ANNOUNCE.md) on this machine, for users without a Cloudflare account, the
// demo and the tests. Runs until interrupted (SIGINT or SIGTERM).
import type { Command } from 'commander';
import { BytefallError } from '../../errors.js';
import { parseAddress } from '../../net/address.js';
import { startAnnounceServer } from '../../announce/server.js';
import { isAddressPolicy, type AddressPolicy } from '../../announce/address-policy.js';
import { DEFAULT_RATE_PER_MINUTE } from '../../announce/limits.js';
import { Output } from '../output.js';
import { parseCount } from '../parse.js';

interface AnnounceServerOptions {
  listen: string;
  data: string;
  addressPolicy: string;
  rateLimit: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerAnnounceServer(program: Command): void {
  program
    .command('announce-server')
    .description('run the announce service (latest version records and peer addresses) on this machine')
    .requiredOption('--listen <host:port>', 'address to listen on (port 0: any free port)')
    .requiredOption('--data <dir>', 'directory for the stored swarms (created if missing)')
    .option('--address-policy <policy>', "'any' IP address (LAN, demo) or only 'public' internet addresses", 'any')
    .option('--rate-limit <n>', 'requests per minute per client address (0: no limit)', String(DEFAULT_RATE_PER_MINUTE))
    .option('--json', 'print JSON lines')
    .option('--quiet', 'print nothing but errors')
    .action(async (opts: AnnounceServerOptions) => {
      const out = new Output(opts);
      const listen = parseAddress(opts.listen, { allowPortZero: true });
      if (listen.kind !== 'ip') throw new BytefallError('BAD_ARGUMENT', '--listen takes an IP address or host name and a port');
      if (!isAddressPolicy(opts.addressPolicy)) {
        throw new BytefallError('BAD_ARGUMENT', `--address-policy must be 'any' or 'public', got "${opts.addressPolicy}"`);
      }
      const server = await startAnnounceServer({
        host: listen.host,
        port: listen.port,
        dataDir: opts.data,
        addressPolicy: opts.addressPolicy as AddressPolicy,
        ratePerMinute: parseCount(opts.rateLimit, '--rate-limit', 0, 1_000_000),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      out.event({ event: 'listening', url: server.url, data: opts.data });
      out.line(`announce server listening on ${server.url} (data in ${opts.data})`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      out.event({ event: 'stopped' });
      out.line('announce server stopped');
    });
}
