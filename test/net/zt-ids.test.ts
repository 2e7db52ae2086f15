// The ZeroTier facade's pure parts, which run without a compiler or libzt: network
// ids and ad hoc ids, RFC4193 and 6PLANE addresses (against ZeroTier's layout),
// node ids recovered from peer addresses, the addon-missing error, roots files and
// the mapping of native errors to BytefallError codes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIPv6 } from 'node:net';
import fc from 'fast-check';
import { BytefallError } from '../../src/errors.js';
import { adhocNetworkId, adhocPorts, addressingOf, nodeAddress, nodeOfAddress, parseNetworkId } from '../../src/net/zt/ids.js';
import { loadAddon } from '../../src/net/zt/addon.js';
import { readRootsFile } from '../../src/net/zt/create.js';
import { fromNative } from '../../src/net/zt/native-error.js';

function code(c: string) {
  return (e: unknown) => e instanceof BytefallError && e.code === c;
}

function text(a: Uint8Array): string {
  return Buffer.from(a).toString('hex').replace(/(.{4})(?!$)/g, '$1:');
}

test('network ids: 16 hex digits, adhoc, adhoc:<first>-<last>; anything else is BAD_ARGUMENT', () => {
  assert.equal(parseNetworkId('8056C2E21C000001'), '8056c2e21c000001');
  assert.equal(parseNetworkId('adhoc'), 'ff0000ffff000000');
  assert.equal(parseNetworkId('adhoc:6881-6889'), 'ff1ae11ae9000000');
  assert.equal(adhocNetworkId(22, 22), 'ff00160016000000', "libzt's own example: SSH only");
  assert.deepEqual(adhocPorts('ff1ae11ae9000000'), [6881, 6889]);
  assert.equal(adhocPorts('8056c2e21c000001'), undefined);
  for (const bad of ['', 'adhoc:', 'adhoc:9-1', 'adhoc:1-70000', '8056c2e21c00000', '8056c2e21c0000011', '0000000000000000', 'ff00160016000001', 'g056c2e21c000001']) {
    assert.throws(() => parseNetworkId(bad), code('BAD_ARGUMENT'), bad);
  }
});

test('RFC4193: fd, the network id, 9993, the node id', () => {
  const a = nodeAddress('8056c2e21c000001', '89e92ceee5', 'rfc4193');
  assert.equal(text(a), 'fd80:56c2:e21c:0000:0199:9389:e92c:eee5');
  assert.ok(isIPv6(text(a)));
});

test('6PLANE: fc, the network id folded to 32 bits, the node id, ::1', () => {
  // 8056c2e2 ^ 1c000001 = 9c56c2e3
  assert.equal(text(nodeAddress('8056c2e21c000001', '89e92ceee5', '6plane')), 'fc9c:56c2:e389:e92c:eee5:0000:0000:0001');
  // ad hoc ff0000ff ^ ff000000 = 000000ff
  assert.equal(text(nodeAddress('ff0000ffff000000', 'd0256a3c42', '6plane')), 'fc00:0000:ffd0:256a:3c42:0000:0000:0001');
});

test('a node id comes back out of its address under both schemes, and only there', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 1n, max: 0xfeffffffffn }), (net, node) => {
      const networkId = net.toString(16).padStart(16, '0');
      const nodeId = node.toString(16).padStart(10, '0');
      for (const scheme of ['rfc4193', '6plane'] as const) {
        const a = nodeAddress(networkId, nodeId, scheme);
        assert.equal(nodeOfAddress(a, networkId), nodeId);
        assert.equal(addressingOf(a, networkId, nodeId), scheme);
        const other = networkId === 'ffffffffffffffff' ? '0000000000000001' : (net + 1n).toString(16).padStart(16, '0');
        if (scheme === 'rfc4193') assert.equal(nodeOfAddress(a, other), undefined, 'another network, another prefix');
      }
    }),
    { numRuns: 200 },
  );
  assert.equal(nodeOfAddress(new Uint8Array(16), 'ff0000ffff000000'), undefined);
  assert.equal(nodeOfAddress(new Uint8Array(15), 'ff0000ffff000000'), undefined);
  assert.throws(() => nodeAddress('ff0000ffff000000', 'ff00000001', '6plane'), code('BAD_ARGUMENT'));
  assert.throws(() => nodeAddress('ff0000ffff000000', '0000000000', 'rfc4193'), code('BAD_ARGUMENT'));
});

test('the addon not built: ZT_ADDON_MISSING says to run npm run build:native', () => {
  assert.throws(() => loadAddon('/nonexistent/bytefall_zt.node'), (e: unknown) => {
    assert.ok(code('ZT_ADDON_MISSING')(e));
    assert.match((e as Error).message, /npm run build:native/);
    assert.match((e as Error).message, /build-essential/);
    return true;
  });
});

test('roots files: read as bytes; empty, too large or absent refused with the file named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bf-zt-roots-'));
  try {
    writeFileSync(join(dir, 'ok'), Buffer.from([1, 2, 3]));
    writeFileSync(join(dir, 'empty'), '');
    writeFileSync(join(dir, 'big'), Buffer.alloc(64 * 1024 + 1));
    assert.deepEqual(readRootsFile(join(dir, 'ok')), new Uint8Array([1, 2, 3]));
    assert.throws(() => readRootsFile(join(dir, 'empty')), (e: unknown) => code('BAD_ARGUMENT')(e) && (e as BytefallError).file === join(dir, 'empty'));
    assert.throws(() => readRootsFile(join(dir, 'big')), code('BAD_ARGUMENT'));
    assert.throws(() => readRootsFile(join(dir, 'absent')), code('NOT_FOUND'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('native errors become BytefallErrors with stable codes and keep the native error as cause', () => {
  const native = (c: string, message: string) => Object.assign(new Error(message), { code: c });
  const missing = fromNative(native('LIBZT_MISSING', 'cannot load libzt (libzt.so): not found; build ...'), 'load libzt');
  assert.equal(missing.code, 'LIBZT_MISSING');
  assert.match(missing.message, /cannot load libzt/);
  const refused = fromNative(Object.assign(native('ECONNREFUSED', 'zts_bsd_connect failed: ECONNREFUSED'), { errno: 111, syscall: 'connect' }), 'connect to zt:1122334455:1', 'NET_CONNECT_FAILED');
  assert.equal(refused.code, 'NET_CONNECT_FAILED');
  assert.equal(refused.message, 'cannot connect to zt:1122334455:1: ECONNREFUSED');
  assert.equal((refused.cause as { errno: number }).errno, 111);
  const timeout = fromNative(native('ETIMEDOUT', 'no connection within 400 ms'), 'connect to x', 'NET_CONNECT_FAILED');
  assert.equal(timeout.message, 'cannot connect to x: ETIMEDOUT (no connection within 400 ms)');
  assert.equal(fromNative(native('ZT_NODE_BUSY', 'x'), 'start').code, 'ZT_NODE_BUSY');
  assert.equal(fromNative(native('ERR_OUT_OF_RANGE', 'x'), 'listen').code, 'BAD_ARGUMENT');
  assert.equal(fromNative(native('LIBZT_SERVICE', 'x'), 'join').code, 'ZT_NODE_FAILED');
  const same = new BytefallError('ZT_OFFLINE');
  assert.equal(fromNative(same, 'x'), same);
});
