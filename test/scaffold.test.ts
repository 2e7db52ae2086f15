import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BytefallError } from '../src/errors.js';

test('BytefallError carries a stable code, file and operation', () => {
  const sys = Object.assign(new Error('x'), { code: 'ENOENT' });
  const e = BytefallError.fromSystem(sys, '/nope', 'open');
  assert.equal(e.code, 'NOT_FOUND');
  assert.equal(e.file, '/nope');
  assert.equal(e.op, 'open');
  assert.match(e.message, /cannot open \/nope: ENOENT/);
});
