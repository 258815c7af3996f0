/** Storage failures a caller is told about: a full disk (507 STORAGE_FULL, nothing acknowledged). */

/** True for the operating system's "no space" errors (a full disk or an exhausted quota). */
export function isNoSpace(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * The store could not write for lack of space, and nothing of the write is left behind: answered 507 STORAGE_FULL.
 * (When a failed write could not be taken back, the error is not this one: the outcome is then unknown.)
 */
export class StorageFullError extends Error {
  readonly code = 'STORAGE_FULL';
  constructor(readonly cause: unknown) {
    super(`storage full: ${(cause as Error)?.message ?? cause}`);
  }
}

/** Turns a no-space error of a write that left nothing behind into StorageFullError; other errors pass as they are. */
export function storageError(e: unknown): unknown {
  return isNoSpace(e) && !(e instanceof StorageFullError) ? new StorageFullError(e) : e;
}
