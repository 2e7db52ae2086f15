// The ZeroTier node of this process (libzt allows one): started from a storage
// directory that keeps its identity, optionally with a private root set; it comes
// online, joins networks and learns its address there. Emits libzt's events.
import { EventEmitter } from 'node:events';
import { BytefallError } from '../../errors.js';
import { loadLibzt, type NativeNode, type NativeSocket, type ZtEvent } from './addon.js';
import { addressingOf, parseNetworkId, type ZtAddressing } from './ids.js';
import { fromNative } from './native-error.js';

export interface ZtNodeOptions {
  /** Storage directory: identity.secret and the rest of libzt's state live here. */
  home: string;
  /** A private root set (zts_init_set_roots); default: ZeroTier's public roots. */
  roots?: Uint8Array;
  /** The UDP port libzt uses underneath (default: libzt's choice). */
  port?: number;
  /** Let libzt map its port with UPnP/NAT-PMP (default false). */
  portMapping?: boolean;
  /** Give up coming online after this long (default 60 s): ZT_OFFLINE. */
  onlineTimeoutMs?: number;
  /** The libzt to load (default: LIBZT_PATH, else the system library path). */
  library?: string;
}

export interface ZtMembership {
  networkId: string;
  /** Our address there, 16 bytes, and as text. */
  address: Uint8Array;
  addressText: string;
  addressing: ZtAddressing;
}

export interface ZtNodeEvents {
  event: [ZtEvent];
}

const DEFAULT_ONLINE_TIMEOUT_MS = 60_000;
const DEFAULT_ADDRESS_TIMEOUT_MS = 60_000;
const MAX_ROOTS_LEN = 4096; // libzt: ZTS_STORE_DATA_LEN

function checkOptions(opts: ZtNodeOptions): void {
  if (typeof opts?.home !== 'string' || opts.home.length === 0) throw new BytefallError('BAD_ARGUMENT', 'the ZeroTier home must be a directory path');
  if (opts.roots !== undefined && (!(opts.roots instanceof Uint8Array) || opts.roots.length === 0 || opts.roots.length > MAX_ROOTS_LEN)) {
    throw new BytefallError('BAD_ARGUMENT', `a ZeroTier roots definition is 1 to ${MAX_ROOTS_LEN} bytes`);
  }
  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535)) {
    throw new BytefallError('BAD_ARGUMENT', `the ZeroTier port must be 1-65535, not ${opts.port}`);
  }
  const t = opts.onlineTimeoutMs;
  if (t !== undefined && (!Number.isInteger(t) || t < 0 || t > 2 ** 30)) throw new BytefallError('BAD_ARGUMENT', `onlineTimeoutMs out of range: ${t}`);
}

export class ZtNode extends EventEmitter<ZtNodeEvents> {
  /** 10 hex digits. */
  readonly id: string;
  private stopped = false;

  private constructor(private readonly native: NativeNode) {
    super();
    this.id = native.nodeId();
  }

  /** Starts the node and waits until it is online. */
  static async start(opts: ZtNodeOptions): Promise<ZtNode> {
    checkOptions(opts);
    const addon = loadLibzt(opts.library);
    let node: ZtNode | undefined;
    const early: ZtEvent[] = [];
    const native = new addon.Node((ev) => (node ? node.emit('event', ev) : early.push(ev)));
    try {
      native.start({ home: opts.home, roots: opts.roots, port: opts.port, portMapping: opts.portMapping ?? false });
    } catch (err) {
      throw fromNative(err, `start the ZeroTier node in ${opts.home}`);
    }
    try {
      await native.waitOnline(opts.onlineTimeoutMs ?? DEFAULT_ONLINE_TIMEOUT_MS);
    } catch (err) {
      native.stop();
      const e = fromNative(err, 'bring the ZeroTier node online', 'ZT_OFFLINE');
      if ((err as { code?: string }).code === 'ZT_TIMEOUT') {
        throw new BytefallError('ZT_OFFLINE', `${e.message}: check the network, or the roots file when private roots are used`, { cause: err });
      }
      throw e;
    }
    node = new ZtNode(native);
    setImmediate(() => early.forEach((ev) => node!.emit('event', ev))); // after the caller's listeners
    return node;
  }

  /** Joins a network (16 hex digits or `adhoc[:a-b]`) and waits for our IPv6 address on it. */
  async join(network: string, timeoutMs = DEFAULT_ADDRESS_TIMEOUT_MS): Promise<ZtMembership> {
    const networkId = parseNetworkId(network);
    this.check();
    try {
      this.native.join(networkId);
    } catch (err) {
      throw fromNative(err, `join ZeroTier network ${networkId}`);
    }
    let got: { text: string; bytes: Buffer };
    try {
      got = await this.native.waitAddress(networkId, timeoutMs);
    } catch (err) {
      const e = fromNative(err, `get an address on ZeroTier network ${networkId}`, 'ZT_NO_ADDRESS');
      if ((err as { code?: string }).code === 'ZT_TIMEOUT') {
        throw new BytefallError('ZT_NO_ADDRESS', `${e.message}: is this node authorized on the network (its controller)?`, { cause: err });
      }
      throw e;
    }
    const address = new Uint8Array(got.bytes);
    const addressing = addressingOf(address, networkId, this.id);
    if (!addressing) {
      throw new BytefallError('ZT_NO_ADDRESS', `network ${networkId} gave this node ${got.text}, which is neither its RFC4193 nor its 6PLANE address: enable one of them in the network's controller`);
    }
    return { networkId, address, addressText: got.text, addressing };
  }

  leave(network: string): void {
    const networkId = parseNetworkId(network);
    this.check();
    try {
      this.native.leave(networkId);
    } catch (err) {
      throw fromNative(err, `leave ZeroTier network ${networkId}`);
    }
  }

  /** @internal for ZtTransport */
  listenNative(port: number): Promise<NativeSocket> {
    this.check();
    return this.native.listen(null, port);
  }

  /** @internal for ZtTransport */
  connectNative(address: Uint8Array, port: number, timeoutMs: number): Promise<NativeSocket> {
    this.check();
    return this.native.connect(address, port, timeoutMs);
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** Lets the process exit while the node runs (like net.Server#unref). */
  unref(): this {
    if (!this.stopped) this.native.unref();
    return this;
  }

  ref(): this {
    if (!this.stopped) this.native.ref();
    return this;
  }

  /** Closes every socket and stops the node (libzt may not start again in this process). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.native.stop();
  }

  private check(): void {
    if (this.stopped) throw new BytefallError('ZT_STOPPED', 'the ZeroTier node was stopped');
  }
}
