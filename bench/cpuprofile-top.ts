/** Summarises a V8 .cpuprofile: the functions with the most self time and the most inclusive time. */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface Profile {
  nodes: Node[];
  /** When profiling began, µs of the monotonic clock (on Linux the clock of `process.hrtime`, in every process). */
  startTime?: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * The profile's samples taken between `fromUs` and `toUs` (µs of the monotonic clock, as `process.hrtime.bigint()`
 * gives in ns ÷ 1000, in any process of the machine): a load's own time, without the start-up and set-up before it,
 * whose work after an `await` has no start-up frame left on its stack to be recognised by.
 */
export function within(profile: Profile, fromUs: number, toUs: number): Profile {
  if (profile.startTime === undefined) throw new Error('the profile has no startTime');
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (t < fromUs || t > toUs) return;
    samples.push(id);
    timeDeltas.push(profile.timeDeltas[i] ?? 0);
  });
  if (!samples.length)
    throw new Error(
      `no sample of the profile (${profile.startTime}–${t} µs) falls between ${fromUs} and ${toUs} µs: not the same clock?`,
    );
  return { ...profile, samples, timeDeltas };
}

export function summarise(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n: Node) =>
    `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const leaf = byId.get(id)!;
    self.set(name(leaf), (self.get(name(leaf)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = name(byId.get(cur)!);
      if (!seen.has(k)) incl.set(k, (incl.get(k) ?? 0) + dt);
      seen.add(k);
    }
  });
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, t]) => `${((100 * t) / total).toFixed(1).padStart(5)} %  ${k}`)
      .join('\n');
  return `self time\n${list(self)}\n\ninclusive time\n${list(incl)}`;
}

/** A category: a label and a test on a frame's `name url:line` text; the first category found on a sample's stack wins (with `leaf`, only on the sample's own frame). */
export type Category = [string, RegExp] | [string, RegExp, 'leaf'];

/**
 * Milliseconds of the profile per category. Each sample goes to the first category (in the given order) that
 * matches any frame of its stack, else to `other`; samples whose stack matches `exclude` are dropped (start-up).
 */
export function categorise(
  profile: Profile,
  categories: Category[],
  exclude?: RegExp,
): { label: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n: Node) =>
    `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
  const memo = new Map<number, number>();
  const classify = (leaf: number): number => {
    const hit = memo.get(leaf);
    if (hit !== undefined) return hit;
    const names: string[] = [];
    for (let cur: number | undefined = leaf; cur !== undefined; cur = parent.get(cur)) names.push(name(byId.get(cur)!));
    let idx = -1; // excluded
    if (!exclude || !names.some((x) => exclude.test(x))) {
      const k = categories.findIndex(([, re, only]) =>
        only === 'leaf' ? re.test(names[0]) : names.some((x) => re.test(x)),
      );
      idx = k < 0 ? categories.length : k;
    }
    memo.set(leaf, idx);
    return idx;
  };
  const ms = new Array<number>(categories.length + 1).fill(0);
  profile.samples.forEach((id, i) => {
    const k = classify(id);
    if (k >= 0) ms[k] += (profile.timeDeltas[i] ?? 0) / 1000;
  });
  return [...categories.map(([label], i) => ({ label, ms: ms[i] })), { label: 'other', ms: ms[categories.length] }];
}

if (process.argv[1]?.endsWith('cpuprofile-top.ts')) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node --import tsx bench/cpuprofile-top.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(process.argv[3] ?? 25)));
}
