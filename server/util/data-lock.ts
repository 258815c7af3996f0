/**
 * One process owns a DATA_DIR (DESIGN.md decision 7): `DATA_DIR/.lock` names the owner (pid, host, the process's
 * start time as the kernel counts it), created exclusively. A second server finds it and is refused with a clear
 * bilingual message while the owner lives. A lock left by a process that is gone (a crash, SIGKILL) is taken over:
 * the owner is judged alive only if a process with that pid runs on this host and started when the lock says (so a
 * recycled pid, common in containers, is not mistaken for the owner).
 *
 * Node has no flock(); the native addons that offer one need a compiler at install time, so this is a lock file.
 */
import {
  existsSync,
  linkSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  openSync,
  closeSync,
  fsyncSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

interface Owner {
  pid: number;
  host: string;
  /** /proc/<pid>/stat field 22 (Linux), to tell the owner from a later process given the same pid. */
  procStart?: string;
  since: string;
}

export class DataDirLockedError extends Error {
  readonly code = 'DATA_DIR_LOCKED';
  constructor(
    readonly dataDir: string,
    readonly owner: Partial<Owner>,
  ) {
    super(
      `数据目录 ${dataDir} 已被另一个共治服务进程使用(进程 ${owner.pid ?? '?'},主机 ${owner.host ?? '?'},自 ${owner.since ?? '?'} 起)。` +
        `一个数据目录只能由一个进程使用:请先停止那个进程,或为本进程设置另一个 DATA_DIR。若确认那个进程已不存在,可删除 ${join(dataDir, '.lock')}。\n` +
        `The data folder ${dataDir} is in use by another Gongzhi server process (pid ${owner.pid ?? '?'} on ${owner.host ?? '?'}, since ${owner.since ?? '?'}). ` +
        `One DATA_DIR belongs to one process: stop that process first, or give this one another DATA_DIR. If you are sure that process is gone, delete ${join(dataDir, '.lock')}.`,
    );
  }
}

/** Locks held by this process (a second open in the same process is refused too). */
const held = new Set<string>();

function procStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function alive(o: Owner): boolean {
  if (o.host !== hostname()) return true; // another machine's process cannot be checked: assume it lives
  if (o.pid === process.pid) return false; // only this process could hold it, and it does not (a recycled pid)
  try {
    process.kill(o.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const now = procStart(o.pid);
  return o.procStart === undefined || now === undefined || now === o.procStart;
}

function read(file: string): Owner | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Owner;
  } catch {
    return null;
  }
}

export interface DataDirLock {
  file: string;
  release(): void;
}

export function lockDataDir(dataDir: string): DataDirLock {
  const file = join(dataDir, '.lock');
  if (held.has(file))
    throw new DataDirLockedError(dataDir, { pid: process.pid, host: hostname(), since: 'this process' });
  const me: Owner = {
    pid: process.pid,
    host: hostname(),
    procStart: procStart(process.pid),
    since: new Date().toISOString(),
  };
  const text = JSON.stringify(me) + '\n';
  // written beside the lock, then linked into place: the lock file appears whole, or not at all
  const tmp = join(dataDir, `.lock.${process.pid}.${Date.now()}`);
  const fd = openSync(tmp, 'w');
  try {
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(tmp, file);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw e;
      }
      const owner = read(file);
      if (owner && alive(owner)) throw new DataDirLockedError(dataDir, owner);
      // the owner is gone: move its lock aside (atomic), and make sure what was moved is the lock judged stale
      const aside = `${file}.stale.${process.pid}`;
      try {
        renameSync(file, aside);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
      const moved = read(aside);
      if (owner && moved && (moved.pid !== owner.pid || moved.since !== owner.since)) {
        // another process took it over meanwhile: put its lock back and look again
        try {
          linkSync(aside, file);
        } catch {
          /* a third one is there now: it is judged on the next look */
        }
        rmSync(aside, { force: true });
        continue;
      }
      rmSync(aside, { force: true });
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  held.add(file);
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      held.delete(file);
      const owner = read(file);
      if (owner && owner.pid === me.pid && owner.since === me.since && existsSync(file)) rmSync(file, { force: true });
    },
  };
}
