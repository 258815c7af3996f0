/**
 * A lowdb adapter that never leaves a half-written file: write a temporary file beside the target, optionally
 * fsync it, then rename it over the target (atomic on POSIX), then optionally fsync the folder. `write` resolves
 * only after the bytes reached the operating system (and the disk, with fsync).
 * lowdb's own JSONFile (steno) renames too but never fsyncs, and `JSONFilePreset` silently uses memory under
 * NODE_ENV=test — this adapter is used with `new Low(adapter, default)` instead.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { storageError } from './errors';

let counter = 0;

export async function writeAtomic(file: string, text: string, fsync: boolean, syncFolder = fsync): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${++counter}.tmp`);
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(text);
      if (fsync) await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    // a full disk (or any failure) leaves the target as it was and no temporary file behind
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  if (fsync && syncFolder) {
    const dir = await open(dirname(file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

export async function readJsonFile<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export class AtomicJSONFile<T> implements Adapter<T> {
  constructor(
    readonly file: string,
    private readonly fsync: boolean,
  ) {}

  read(): Promise<T | null> {
    return readJsonFile<T>(this.file);
  }

  write(data: T): Promise<void> {
    return writeAtomic(this.file, JSON.stringify(data), this.fsync).catch((e) => {
      throw storageError(e);
    });
  }
}
