// The transport interface: listen on an address and receive authenticated
// connections, or connect to an address. A transport proves which node key the peer
// holds (TCP+TLS: its certificate; ZeroTier later); the wire protocol runs on top.
import type { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { Address } from './address.js';

export type { Address } from './address.js';
export { parseAddress, formatAddress } from './address.js';

export interface Connection {
  /** Bytes to and from the peer, already encrypted and authenticated by the transport. */
  readonly stream: Duplex;
  /** The peer's node id: the ed25519 key it proved to hold. */
  readonly remoteNodeId: Uint8Array;
  /** Where the peer is (for TCP: its IP and source port, not its listening port). */
  readonly remoteAddress: Address;
  /** True on the side that called connect(). */
  readonly initiator: boolean;
  /** Tears the connection down at once. */
  destroy(): void;
}

export interface ConnectOptions {
  /** Refuse the peer (NET_WRONG_NODE) unless it proves this node key. */
  expectedNodeId?: Uint8Array;
  /** Give up after this many ms (default 10 s), NET_CONNECT_FAILED. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ListenOptions {
  /** Called with each incoming address before any cryptography; false drops it (bans). */
  allow?: (remote: Address) => boolean;
}

export interface TransportServerEvents {
  connection: [Connection];
  /** A peer failed the transport's authentication; one line for the log. */
  refused: [Address, Error];
  error: [Error];
  close: [];
}

export interface TransportServer extends EventEmitter<TransportServerEvents> {
  /** The bound address (with the real port when 0 was asked for). */
  readonly address: Address;
  close(): Promise<void>;
}

export interface Transport {
  /** "tcp-tls", "memory", later "zerotier". */
  readonly name: string;
  /** Our node id. */
  readonly nodeId: Uint8Array;
  listen(address: Address | string, opts?: ListenOptions): Promise<TransportServer>;
  connect(address: Address | string, opts?: ConnectOptions): Promise<Connection>;
}
