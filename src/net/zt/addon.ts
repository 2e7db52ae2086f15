// Loads the ZeroTier addon lazily (native/build/Release, built by `npm run
// build:native`) and, through it, libzt (LIBZT_PATH, else the system library
// path). One typed interface for the addon's exports; every failure is a
// BytefallError that says how to fix it (ZT_ADDON_MISSING, LIBZT_MISSING, ...).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BytefallError } from '../../errors.js';
import { fromNative } from './native-error.js';
import { PACKAGE_ROOT } from '../../util/package-root.js';

export interface ZtEvent {
  /** libzt's event code (ZTS_EVENT_*), e.g. 201. */
  code: number;
  /** Its name without the prefix, e.g. `NODE_ONLINE`. */
  name: string;
  nodeId?: string;
  networkId?: string;
  networkStatus?: number;
  peerId?: string;
  peerRole?: number;
  address?: string;
}

export type NativeSocketEvent = 'data' | 'end' | 'error' | 'drain' | 'close' | 'connection';

export interface NativeSocket {
  readonly id: number;
  readonly localPort: number;
  readonly remoteAddress: Buffer;
  readonly remotePort: number;
  /** Queues a copy; false when the queue is above its high-water mark (wait for 'drain'). */
  write(data: Uint8Array): boolean;
  /** Half-closes after the queued data is sent. */
  end(): void;
  /** Closes at once; 'close' follows. */
  close(): void;
  setReading(on: boolean): void;
  setHandler(fn: (type: NativeSocketEvent, arg: unknown) => void): void;
}

export interface NativeNodeOptions {
  home: string;
  roots?: Uint8Array;
  port?: number;
  portMapping?: boolean;
}

export interface NativeNode {
  start(opts: NativeNodeOptions): void;
  waitOnline(timeoutMs: number): Promise<void>;
  nodeId(): string;
  join(networkId: string): void;
  leave(networkId: string): void;
  waitAddress(networkId: string, timeoutMs: number): Promise<{ text: string; bytes: Buffer }>;
  listen(address: Uint8Array | null, port: number, backlog?: number): Promise<NativeSocket>;
  connect(address: Uint8Array, port: number, timeoutMs: number): Promise<NativeSocket>;
  stop(): void;
  ref(): void;
  unref(): void;
}

export interface ZtAddon {
  loadLibrary(path?: string): string;
  libraryPath(): string | null;
  newIdentity(): string;
  signRoots(roots: { identity: string; endpoints: string[] }[], worldId?: number): Buffer;
  Node: new (onEvent: (ev: ZtEvent) => void) => NativeNode;
}

/** Where `npm run build:native` puts the addon. */
export const ADDON_PATH = join(PACKAGE_ROOT, 'native', 'build', 'Release', 'bytefall_zt.node');
const BUILD_HINT =
  'build it with `npm run build:native` (needs g++, make and python3: apt-get install build-essential python3), ' +
  'then install libzt (docs/ZEROTIER.md)';

let addon: ZtAddon | undefined;

/** The addon, loaded once; ZT_ADDON_MISSING when it is not built. */
export function loadAddon(path = ADDON_PATH): ZtAddon {
  if (addon) return addon;
  if (!existsSync(path)) {
    throw new BytefallError('ZT_ADDON_MISSING', `--transport zt needs the ZeroTier addon, which is not built (${path}): ${BUILD_HINT}`);
  }
  try {
    addon = createRequire(import.meta.url)(path) as ZtAddon;
  } catch (err) {
    throw new BytefallError('ZT_ADDON_MISSING', `cannot load the ZeroTier addon ${path}: ${(err as Error).message}; rebuild it: ${BUILD_HINT}`, { cause: err });
  }
  return addon;
}

/**
 * The addon with libzt loaded: `library` if given, else LIBZT_PATH, else libzt.so on the
 * system library path. LIBZT_MISSING / LIBZT_INCOMPATIBLE say what to install.
 */
export function loadLibzt(library?: string): ZtAddon {
  const a = loadAddon();
  if (library !== undefined && (typeof library !== 'string' || library.length === 0)) {
    throw new BytefallError('BAD_ARGUMENT', 'the libzt path must be a non-empty string');
  }
  try {
    a.loadLibrary(library);
  } catch (err) {
    throw fromNative(err, 'load libzt');
  }
  return a;
}
