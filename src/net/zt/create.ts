// What the CLI calls for `--transport zt`: start this process's ZeroTier node
// (--zt-home), optionally on private roots (--zt-roots FILE), join the network
// (--zt-network), and return the transport; close() stops the node.
import { readFileSync, statSync } from 'node:fs';
import { BytefallError } from '../../errors.js';
import type { NodeKey } from '../node-key.js';
import { ZtNode } from './node.js';
import { ZtTransport } from './transport.js';

export interface ZtTransportOptions {
  key: NodeKey;
  /** --zt-home DIR: the node's storage directory (its ZeroTier identity persists there). */
  home: string;
  /** --zt-network ID: 16 hex digits, `adhoc` or `adhoc:<first>-<last port>`. */
  network: string;
  /** --zt-roots FILE: a private roots definition (docs/ZEROTIER.md). */
  rootsFile?: string;
  /** The libzt to load (default: LIBZT_PATH, else the system library path). */
  library?: string;
  onlineTimeoutMs?: number;
  addressTimeoutMs?: number;
  /** One line per libzt event, for --verbose. */
  log?: (line: string) => void;
}

// libzt keeps at most ZTS_STORE_DATA_LEN (4096) bytes of roots (zts_init_set_roots)
const MAX_ROOTS_FILE = 4096;

export function readRootsFile(path: string): Uint8Array {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    throw BytefallError.fromSystem(err, path, 'read ZeroTier roots file');
  }
  if (size === 0 || size > MAX_ROOTS_FILE) {
    throw new BytefallError('BAD_ARGUMENT', `${path}: a ZeroTier roots file is 1 to ${MAX_ROOTS_FILE} bytes, not ${size}`, { file: path, op: 'read' });
  }
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    throw BytefallError.fromSystem(err, path, 'read ZeroTier roots file');
  }
}

export interface ClosableZtTransport extends ZtTransport {
  /** Stops the node: every listener and connection closes. */
  close(): Promise<void>;
}

export async function createZtTransport(opts: ZtTransportOptions): Promise<ClosableZtTransport> {
  const roots = opts.rootsFile === undefined ? undefined : readRootsFile(opts.rootsFile);
  const node = await ZtNode.start({ home: opts.home, roots, library: opts.library, onlineTimeoutMs: opts.onlineTimeoutMs });
  if (opts.log) node.on('event', (ev) => opts.log!(`zerotier: ${ev.name}${ev.networkId ? ` ${ev.networkId}` : ''}${ev.address ? ` ${ev.address}` : ''}`));
  try {
    const membership = await node.join(opts.network, opts.addressTimeoutMs);
    const transport = (await ZtTransport.create(opts.key, node, membership)) as ClosableZtTransport;
    transport.close = async () => node.stop();
    return transport;
  } catch (err) {
    node.stop();
    throw err;
  }
}
