export type {
  CaseRecord,
  CaseSummary,
  InstanceStore,
  OutboxRow,
  IdempotencyRecord,
  StartRecord,
  StoredHistoryEntry,
  Summarize,
} from './types';
export { MemoryInstanceStore } from './memory';
export { FileInstanceStore, type FileStoreOptions } from './file';
export { AtomicJSONFile, writeAtomic, readJsonFile } from './atomic-file';
export { StorageFullError, isNoSpace, storageError } from './errors';
