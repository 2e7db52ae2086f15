// How content-defined files (format 1.1) with a piece layer become verifyRecords
// tasks: a large file is cut, between pieces, into runs of about REGION_BYTES
// (spread over the workers); small files go together in batches of BATCH_BYTES.
import { BATCH_BYTES, BATCH_FILES, REGION_BYTES } from '../hash/pool-plan.js';
import { CDC_RECORD_LEN, recordLengths } from '../hash/cdc.js';

export interface RecordItem<F> {
  file: F;
  /** The run's first piece (index in the file) and its byte offset. */
  first: number;
  offset: number;
  count: number;
  bytes: number;
  /** True for the file's last run. */
  last: boolean;
}

export interface RecordJob<F> {
  items: RecordItem<F>[];
  /** The records of every item, one after the other. */
  records: Uint8Array;
}

/** Runs of at most REGION_BYTES (at least one piece each), then jobs of at most BATCH_BYTES / BATCH_FILES runs. */
export function* planRecordJobs<F>(files: Iterable<F>, recordsOf: (f: F) => Uint8Array): Generator<RecordJob<F>> {
  let items: RecordItem<F>[] = [];
  let parts: Uint8Array[] = [];
  let bytes = 0;
  const flush = (): RecordJob<F> => {
    const records = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      records.set(p, at);
      at += p.length;
    }
    const job = { items, records };
    items = [];
    parts = [];
    bytes = 0;
    return job;
  };
  for (const file of files) {
    const records = recordsOf(file);
    const lengths = recordLengths(records);
    let first = 0;
    let offset = 0;
    do {
      let count = 0;
      let run = 0;
      while (first + count < lengths.length && (count === 0 || run + lengths[first + count] <= REGION_BYTES)) run += lengths[first + count++];
      const item: RecordItem<F> = { file, first, offset, count, bytes: run, last: first + count >= lengths.length };
      if (items.length > 0 && (bytes + run > BATCH_BYTES || items.length >= BATCH_FILES)) yield flush();
      items.push(item);
      parts.push(records.subarray(first * CDC_RECORD_LEN, (first + count) * CDC_RECORD_LEN));
      bytes += run;
      first += count;
      offset += run;
    } while (first < lengths.length);
  }
  if (items.length > 0) yield flush();
}
