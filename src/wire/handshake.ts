// The handshake (docs/PROTOCOL.md, "Handshake"), as pure functions: build a
// HELLO, check the initiator's HELLO and answer it, check the responder's answer.
// The transport has already proved which node key the peer holds; the handshake
// checks that the node id the peer claims is that key.
import { BytefallError } from '../errors.js';
import { toHex } from '../util/hex.js';
import type { HelloMsg } from './messages.js';
import { closeReasonFor, shouldBan } from './policy.js';

export interface LocalHello {
  versionMin: number;
  versionMax: number;
  capabilities: number;
  listenPort: number;
  nodeId: Uint8Array;
}

export interface HandshakeResult {
  /** The protocol version both sides speak on this connection. */
  version: number;
  /** The capabilities both sides have (the intersection). */
  capabilities: number;
  remoteCapabilities: number;
  swarmId: Uint8Array;
  remoteNodeId: Uint8Array;
  /** The port the peer accepts connections on, 0 when it does not listen. */
  remoteListenPort: number;
}

/** Why a handshake fails: the CLOSE reason to send and whether the peer is banned. */
export interface Refusal {
  error: BytefallError;
  reason: number;
  ban: boolean;
}

/** What the responder's acceptSwarm returns: true, or a CLOSE_* reason to refuse with. */
export type SwarmDecision = true | number;

export type Outcome<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

function refuse(code: BytefallError['code'], message: string, reason = closeReasonFor(code)): { ok: false; refusal: Refusal } {
  return { ok: false, refusal: { error: new BytefallError(code, message), reason, ban: shouldBan(code) } };
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function makeHello(local: LocalHello, swarmId: Uint8Array): HelloMsg {
  return {
    type: 'hello',
    versionMin: local.versionMin,
    versionMax: local.versionMax,
    capabilities: local.capabilities,
    listenPort: local.listenPort,
    swarmId,
    nodeId: local.nodeId,
    extensions: new Uint8Array(0),
  };
}

/** Checks shared by both sides: the claimed node id is the proved key, and not our own. */
function checkIdentity(local: LocalHello, hello: HelloMsg, provedNodeId: Uint8Array): Outcome<null> {
  if (!equal(hello.nodeId, provedNodeId)) {
    return refuse('WIRE_NODE_ID_MISMATCH', `peer claims node id ${toHex(hello.nodeId)} but proved key ${toHex(provedNodeId)}`);
  }
  if (equal(hello.nodeId, local.nodeId)) return refuse('WIRE_SELF', 'connected to ourselves');
  return { ok: true, value: null };
}

/**
 * Responder: checks the initiator's HELLO, in the order of docs/PROTOCOL.md, and
 * returns the HELLO to answer with (naming one version) and the result.
 */
export function answerHello(
  local: LocalHello,
  hello: HelloMsg,
  provedNodeId: Uint8Array,
  acceptSwarm: (swarmId: Uint8Array, nodeId: Uint8Array) => SwarmDecision,
): Outcome<{ reply: HelloMsg; result: HandshakeResult }> {
  const version = Math.min(local.versionMax, hello.versionMax);
  if (version < Math.max(local.versionMin, hello.versionMin)) {
    return refuse('WIRE_UNSUPPORTED_VERSION', `peer speaks protocol versions ${hello.versionMin}-${hello.versionMax}; this node speaks ${local.versionMin}-${local.versionMax}`);
  }
  const identity = checkIdentity(local, hello, provedNodeId);
  if (!identity.ok) return identity;
  const decision = acceptSwarm(hello.swarmId, hello.nodeId);
  if (decision !== true) {
    const code = decision === closeReasonFor('WIRE_UNKNOWN_SWARM') ? 'WIRE_UNKNOWN_SWARM' : 'WIRE_REFUSED';
    return refuse(code, `refused peer for swarm ${toHex(hello.swarmId)}`, decision);
  }
  const reply = { ...makeHello(local, hello.swarmId), versionMin: version, versionMax: version };
  return { ok: true, value: { reply, result: resultOf(version, local, hello) } };
}

/** Initiator: checks the responder's answer to the HELLO it sent for swarmId. */
export function checkAnswer(local: LocalHello, swarmId: Uint8Array, hello: HelloMsg, provedNodeId: Uint8Array): Outcome<HandshakeResult> {
  const version = hello.versionMin;
  if (hello.versionMax !== version || version < local.versionMin || version > local.versionMax) {
    return refuse('WIRE_BAD_HANDSHAKE', `peer answered with versions ${hello.versionMin}-${hello.versionMax}, not one of ${local.versionMin}-${local.versionMax}`);
  }
  if (!equal(hello.swarmId, swarmId)) {
    return refuse('WIRE_BAD_HANDSHAKE', `peer answered for swarm ${toHex(hello.swarmId)}, not ${toHex(swarmId)}`);
  }
  const identity = checkIdentity(local, hello, provedNodeId);
  if (!identity.ok) return identity;
  return { ok: true, value: resultOf(version, local, hello) };
}

function resultOf(version: number, local: LocalHello, hello: HelloMsg): HandshakeResult {
  return {
    version,
    capabilities: (local.capabilities & hello.capabilities) >>> 0,
    remoteCapabilities: hello.capabilities,
    swarmId: hello.swarmId.slice(),
    remoteNodeId: hello.nodeId.slice(),
    remoteListenPort: hello.listenPort,
  };
}
