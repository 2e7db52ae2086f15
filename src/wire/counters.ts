// Protocol bytes this process received and sent on all its connections (after TLS, before
// decoding): what an update really moved, for `--json` and the update benchmark.
export const wireCounters = { received: 0, sent: 0 };

/** Bytes received per message type (framing included), e.g. { piece: 812, hashes: 300 }: where an update's bytes went. */
export const receivedByType: Record<string, number> = {};

export function countReceived(type: string, frameBytes: number): void {
  receivedByType[type] = (receivedByType[type] ?? 0) + frameBytes;
}
