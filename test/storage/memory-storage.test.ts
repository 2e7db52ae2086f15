// The memory storage against the storage contract.
import { MemoryStorage } from '../../src/storage/memory-storage.js';
import { storageContract } from './storage-contract.js';

storageContract('memory', async (_t, files, finals) => new MemoryStorage(files, { finals }));
