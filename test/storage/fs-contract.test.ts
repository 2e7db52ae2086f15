// The file-system storage against the storage contract, in a fresh temporary directory.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FsStorage } from '../../src/storage/fs-storage.js';
import { storageContract } from './storage-contract.js';
import { tempDir } from './helpers.js';

storageContract('fs', async (t, files, finals) => {
  const root = await tempDir(t);
  for (const [i, data] of finals ?? []) {
    const path = join(root, ...files[i].path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
  }
  return FsStorage.open(root, files);
});
