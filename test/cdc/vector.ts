// The pinned CDC test vector (test/fixtures/cdc-vector.json): an input anyone with
// BLAKE3 can make (the first `length` bytes of BLAKE3's extended output of the
// ASCII `seed`), its piece lengths at one average, the BLAKE3 of its layer records
// and its content root. scripts/make-fixtures.ts writes it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blake3 } from '../../src/hash/blake3.js';
import { FIXTURES_DIR } from '../format/fixtures.js';

export interface CdcVector {
  _comment: string;
  seed: string;
  length: number;
  pieceSize: number;
  lengths: number[];
  recordsBlake3: string;
  root: string;
}

export const CDC_VECTOR_FILE = 'cdc-vector.json';

export function vectorInput(v: Pick<CdcVector, 'seed' | 'length'>): Uint8Array {
  return blake3(new TextEncoder().encode(v.seed), v.length);
}

export function readCdcVector(): CdcVector {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, CDC_VECTOR_FILE), 'utf8')) as CdcVector;
}
