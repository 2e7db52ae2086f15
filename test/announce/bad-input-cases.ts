// The bad-input cases of docs/ANNOUNCE.md, "Bad input", as data: run against the
// embedded server (bad-input.test.ts, node:test) and against the Worker in workerd
// (worker/test/bad-input.test.ts, vitest). Runtime-neutral: no Node or Worker APIs.
// Each case must get its status and error code, and store nothing.

/** The fixed test key and Waterfall of every announce test. */
export const TEST_SEED = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
export const OTHER_SEED = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);
export const TEST_NAME = 'announce test';
export const TEST_SALT = Uint8Array.from({ length: 64 }, (_, i) => (i * 7) & 0xff);
export const TEST_WATERFALL_SIZE = 1088 + 448 * 3;
export const TEST_PUBLISH_TIME = 1_790_000_000_000;

export function testWaterfallId(sequence: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (i + sequence * 31) & 0xff);
}

/** A record's JSON form, as the API carries it. */
export type RecordJsonLike = Record<string, unknown> & { sequence: number; swarmId: string; signature: string };

export interface CaseKit {
  /** A swarm whose record, sequence 2, is stored before the cases run; no peers. */
  swarmId: string;
  /** A swarm nobody published. */
  unknownSwarmId: string;
  /** A signed record of `swarmId` (TEST_SEED) with this sequence. */
  record(sequence: number): Promise<RecordJsonLike>;
  /** A signed record of another swarm (OTHER_SEED, same name and salt). */
  otherSwarmRecord(sequence: number): Promise<RecordJsonLike>;
}

export interface BadCase {
  name: string;
  method: string;
  path: string;
  /** A string or bytes; `stream` sends it without a Content-Length, in chunks. */
  body?: string | Uint8Array;
  stream?: boolean;
  status: number;
  code: string;
}

const enc = new TextEncoder();

function flipHexDigit(hex: string, at: number): string {
  const d = hex[at] === '0' ? '1' : '0';
  return hex.slice(0, at) + d + hex.slice(at + 1);
}

export async function badInputCases(kit: CaseKit): Promise<BadCase[]> {
  const rec = `/v1/swarms/${kit.swarmId}/record`;
  const ann = `/v1/swarms/${kit.swarmId}/announce`;
  const swarm = `/v1/swarms/${kit.swarmId}`;
  const r3 = await kit.record(3);
  const put = (name: string, body: unknown, status: number, code: string): BadCase => ({
    name: `PUT record: ${name}`, method: 'PUT', path: rec, body: typeof body === 'string' ? body : JSON.stringify(body), status, code,
  });
  const post = (name: string, body: unknown, status: number, code: string, path = ann): BadCase => ({
    name: `POST announce: ${name}`, method: 'POST', path, body: typeof body === 'string' ? body : JSON.stringify(body), status, code,
  });
  const other = await kit.otherSwarmRecord(3);
  const huge = enc.encode(JSON.stringify({ ...r3, name: 'x'.repeat(100_000) }));
  return [
    // malformed JSON and wrong types
    put('malformed JSON', '{"swarmId": ', 400, 'BAD_JSON'),
    put('empty body', '', 400, 'BAD_JSON'),
    { name: 'PUT record: invalid UTF-8', method: 'PUT', path: rec, body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), status: 400, code: 'BAD_JSON' },
    put('a JSON array', '[]', 400, 'BAD_RECORD'),
    put('sequence as a string', { ...r3, sequence: '3' }, 400, 'BAD_RECORD'),
    put('sequence 0', { ...r3, sequence: 0 }, 400, 'BAD_RECORD'),
    put('sequence beyond 2^53', { ...r3, sequence: 2 ** 53 }, 400, 'BAD_RECORD'),
    put('fractional publish time', { ...r3, publishTime: 1.5 }, 400, 'BAD_RECORD'),
    put('short public key', { ...r3, publicKey: (r3.publicKey as string).slice(2) }, 400, 'BAD_RECORD'),
    put('uppercase hex', { ...r3, waterfallId: (r3.waterfallId as string).toUpperCase() }, 400, 'BAD_RECORD'),
    put('an unknown field', { ...r3, extra: 1 }, 400, 'BAD_RECORD'),
    put('a missing field', { ...r3, signature: undefined }, 400, 'BAD_RECORD'),
    put('waterfall size not 1088 + 448 n', { ...r3, waterfallSize: 2000 }, 400, 'BAD_RECORD'),
    put('an ftp URL', { ...r3, urls: ['ftp://example.org/x.waterfall'] }, 400, 'BAD_RECORD'),
    put('five URLs', { ...r3, urls: Array(5).fill('https://example.org/x.waterfall') }, 400, 'BAD_RECORD'),
    put('an empty name', { ...r3, name: '' }, 400, 'BAD_RECORD'),
    put('a name of 256 bytes', { ...r3, name: 'n'.repeat(256) }, 400, 'BAD_RECORD'),
    // signatures and swarms
    put('a bad signature', { ...r3, signature: flipHexDigit(r3.signature, 10) }, 403, 'INVALID_SIGNATURE'),
    put('a signed field changed (sequence)', { ...r3, sequence: 4 }, 403, 'INVALID_SIGNATURE'),
    put('a signed field changed (URLs)', { ...r3, urls: ['https://evil.example/x.waterfall'] }, 403, 'INVALID_SIGNATURE'),
    put("another key's record under this swarm id", { ...other, swarmId: kit.swarmId }, 403, 'NOT_PUBLISHER'),
    put('a record of another swarm', other, 400, 'SWARM_MISMATCH'),
    put('a replayed record (the stored one)', await kit.record(2), 409, 'STALE_SEQUENCE'),
    put('an older record', await kit.record(1), 409, 'STALE_SEQUENCE'),
    // huge bodies
    { name: 'PUT record: 100 kB body', method: 'PUT', path: rec, body: huge, status: 413, code: 'BODY_TOO_LARGE' },
    { name: 'PUT record: 100 kB body, streamed without a length', method: 'PUT', path: rec, body: huge, stream: true, status: 413, code: 'BODY_TOO_LARGE' },
    post('100 kB body', { addresses: ['x'.repeat(100_000)] }, 413, 'BODY_TOO_LARGE'),
    // announces: too many peers, addresses that are not addresses, wrong types
    post('malformed JSON', '{"addresses": [', 400, 'BAD_JSON'),
    post('null', 'null', 400, 'BAD_REQUEST'),
    post('addresses not a list', { addresses: '203.0.113.9:6881' }, 400, 'BAD_REQUEST'),
    post('five addresses', { addresses: ['8.8.8.1:1', '8.8.8.2:1', '8.8.8.3:1', '8.8.8.4:1', '8.8.8.5:1'] }, 400, 'TOO_MANY_ADDRESSES'),
    post('fifty addresses', { addresses: Array.from({ length: 50 }, (_, i) => `8.8.8.${i}:1`) }, 400, 'TOO_MANY_ADDRESSES'),
    post('not an address', { addresses: ['not an address'] }, 400, 'BAD_ADDRESS'),
    post('a number', { addresses: [6881] }, 400, 'BAD_ADDRESS'),
    post('a host name', { addresses: ['example.org:6881'] }, 400, 'BAD_ADDRESS'),
    post('port 0', { addresses: ['8.8.8.8:0'] }, 400, 'BAD_ADDRESS'),
    post('port 70000', { addresses: ['8.8.8.8:70000'] }, 400, 'BAD_ADDRESS'),
    post('IPv6 without brackets', { addresses: ['2001:4860::8888:6881'] }, 400, 'BAD_ADDRESS'),
    post('an IPv6 zone', { addresses: ['[fe80::1%eth0]:6881'] }, 400, 'BAD_ADDRESS'),
    post('ZeroTier node id zero', { addresses: ['zt:0000000000:9993'] }, 400, 'BAD_ADDRESS'),
    post('a private address (public policy)', { addresses: ['10.1.2.3:6881'] }, 400, 'BAD_ADDRESS'),
    post('a loopback address (public policy)', { addresses: ['127.0.0.1:6881'] }, 400, 'BAD_ADDRESS'),
    post('IPv6 loopback (public policy)', { addresses: ['[::1]:6881'] }, 400, 'BAD_ADDRESS'),
    post('a valid address beside a bad one', { addresses: ['8.8.8.8:6881', 'nope'] }, 400, 'BAD_ADDRESS'),
    post('port as a string', { port: '6881' }, 400, 'BAD_REQUEST'),
    post('interval 0', { interval: 0 }, 400, 'BAD_REQUEST'),
    post('an unknown field', { addresses: [], peers: 3 }, 400, 'BAD_REQUEST'),
    // unknown swarms, paths and methods
    post('an unknown swarm', { addresses: ['8.8.8.8:6881'] }, 404, 'UNKNOWN_SWARM', `/v1/swarms/${kit.unknownSwarmId}/announce`),
    { name: 'GET an unknown swarm', method: 'GET', path: `/v1/swarms/${kit.unknownSwarmId}`, status: 404, code: 'UNKNOWN_SWARM' },
    { name: 'GET the record of an unknown swarm', method: 'GET', path: `/v1/swarms/${kit.unknownSwarmId}/record`, status: 404, code: 'UNKNOWN_SWARM' },
    { name: 'GET a swarm id that is not hex', method: 'GET', path: '/v1/swarms/not-a-swarm-id', status: 400, code: 'BAD_SWARM_ID' },
    { name: 'GET an uppercase swarm id', method: 'GET', path: `/v1/swarms/${kit.swarmId.toUpperCase()}`, status: 400, code: 'BAD_SWARM_ID' },
    { name: 'GET a bad interval', method: 'GET', path: `${swarm}?interval=soon`, status: 400, code: 'BAD_REQUEST' },
    { name: 'GET an unknown path', method: 'GET', path: '/v1/nothing/here', status: 404, code: 'NOT_FOUND' },
    { name: 'DELETE a record', method: 'DELETE', path: rec, status: 405, code: 'METHOD_NOT_ALLOWED' },
    { name: 'GET announce', method: 'GET', path: ann, status: 405, code: 'METHOD_NOT_ALLOWED' },
  ];
}
