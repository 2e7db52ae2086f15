import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BytefallError } from '../../src/errors.js';
import { fromWorkerError, toWorkerError } from '../../src/hash/pool-errors.js';

/** What postMessage does to a thrown value. */
const across = <T>(value: T): T => structuredClone(value);

test('a BytefallError survives the worker boundary with code, file and op', () => {
  const sys = Object.assign(new Error('x'), { code: 'EACCES' });
  const back = fromWorkerError(across(toWorkerError(BytefallError.fromSystem(sys, '/data/f', 'open'))));
  assert.ok(back instanceof BytefallError);
  assert.equal(back.code, 'IO_ERROR');
  assert.equal(back.file, '/data/f');
  assert.equal(back.op, 'open');
  assert.match(back.message, /cannot open \/data\/f: EACCES/);
});

test('any other error in a worker is a POOL_ERROR that keeps its message', () => {
  const back = fromWorkerError(across(toWorkerError(new RangeError('offset 1 is not a multiple'))));
  assert.equal(back.code, 'POOL_ERROR');
  assert.match(back.message, /RangeError: offset 1 is not a multiple/);
});

test('a failure of the pool itself is a POOL_ERROR with its cause', () => {
  const cause = new Error('Terminating worker thread');
  const back = fromWorkerError(cause);
  assert.equal(back.code, 'POOL_ERROR');
  assert.equal(back.cause, cause);
  assert.equal(fromWorkerError({ bytefallWorkerError: true, code: 'NO_SUCH_CODE', message: 'x' }).code, 'POOL_ERROR');
});
