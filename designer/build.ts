/**
 * Builds the designer with Vite's JS API when `designer/dist` is missing or older than its sources
 * (designer/src, designer/index.html, designer/vite.config.ts, engine/, this file). Safe when several processes
 * call it at once: one builds under a lock file into a temporary folder and renames it into place;
 * the others wait for the lock and then find a fresh build.
 *
 * Always a production build: Vite takes React's development or production code from NODE_ENV, and a build
 * started from the test suite (NODE_ENV=test) came out as React's development build — half as fast again — which
 * the server and the benchmarks then served as long as it was fresh. The build runs in a child process with
 * NODE_ENV=production, so the caller's environment decides nothing and is left as it was.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  openSync,
  closeSync,
  readFileSync,
} from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const distDir = join(here, 'dist');
const lockFile = join(here, '.build.lock');
const STALE_LOCK_MS = 5 * 60_000;

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/** Whether designer/dist/index.html exists and is newer than every source file. */
export function designerBuildIsFresh(): boolean {
  const index = join(distDir, 'index.html');
  if (!existsSync(index)) return false;
  const built = statSync(index).mtimeMs;
  const sources = [
    join(here, 'src'),
    join(here, 'index.html'),
    join(here, 'vite.config.ts'),
    join(root, 'engine'),
    fileURLToPath(import.meta.url),
  ];
  return sources.every((p) => newestMtime(p) <= built);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryLock(): boolean {
  try {
    const fd = openSync(lockFile, 'wx');
    writeFileSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    try {
      const pid = Number(readFileSync(lockFile, 'utf8'));
      const age = Date.now() - statSync(lockFile).mtimeMs;
      if ((pid > 0 && !pidAlive(pid)) || age > STALE_LOCK_MS) rmSync(lockFile, { force: true });
    } catch {
      // the lock went away between our calls: try again next round
    }
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function buildInto(outDir: string): Promise<void> {
  const options = {
    configFile: join(here, 'vite.config.ts'),
    root: here,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  };
  const script = `const { build } = await import('vite'); await build(${JSON.stringify(options)});`;
  await new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', fail);
    child.on('exit', (code, signal) =>
      code === 0 ? done() : fail(new Error(`designer build failed (exit ${code ?? signal}); its output is above`)),
    );
  });
}

/** Returns the absolute dist folder, building it first when it is missing or stale. */
export async function ensureDesignerBuilt(): Promise<string> {
  if (designerBuildIsFresh()) return distDir;
  const deadline = Date.now() + 10 * 60_000;
  while (!tryLock()) {
    if (Date.now() > deadline) throw new Error('designer build: timed out waiting for designer/.build.lock');
    await sleep(200);
  }
  try {
    if (designerBuildIsFresh()) return distDir;
    const tmp = join(here, `.dist-${process.pid}-${Date.now()}`);
    mkdirSync(tmp, { recursive: true });
    try {
      await buildInto(tmp);
      const old = join(here, `.dist-old-${process.pid}-${Date.now()}`);
      if (existsSync(distDir)) renameSync(distDir, old);
      renameSync(tmp, distDir);
      rmSync(old, { recursive: true, force: true });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    return distDir;
  } finally {
    rmSync(lockFile, { force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureDesignerBuilt().then(
    (dir) => console.log(`designer built: ${dir}`),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
