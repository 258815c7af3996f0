/**
 * What a busy second core costs the first on this machine (bench/PROFILE.md, "The event request in two halves"):
 *   node --import tsx bench/busy-core.ts [rounds] [seconds]
 * The case's work without HTTP (the case service's `send` in a server process, the HTTP benchmark's event loop, 20
 * events in flight: the `service` command of bench/http-server.ts), alternating rounds with the other core idle and
 * kept busy by a spinning process, as the load generator and the server's other threads keep it busy in the HTTP
 * benchmark's rounds. Prints events/s and main-thread CPU per event of each round, and the medians' ratio.
 */
import { spawn } from 'node:child_process';
import { gongzhiServer } from './http-load';
import { median } from './measure';

const rounds = Number(process.argv[2] ?? 5);
const seconds = Number(process.argv[3] ?? 5);

/** A process that keeps one core busy for `ms` (a loop reading the clock: next to no memory traffic). */
function spinner(ms: number): Promise<void> {
  const child = spawn(process.execPath, ['-e', `const end = Date.now() + ${ms}; while (Date.now() < end);`]);
  return new Promise((res) => child.once('exit', () => res()));
}

const srv = await gongzhiServer(3000, 'fsync');
const us: Record<'idle' | 'busy', number[]> = { idle: [], busy: [] };
try {
  for (let round = 0; round <= rounds; round++) {
    for (const mode of round % 2 ? (['idle', 'busy'] as const) : (['busy', 'idle'] as const)) {
      const spin = mode === 'busy' ? spinner(1000 * seconds + 500) : null;
      const a = await srv.child.command(`service ${seconds}`);
      await spin;
      await srv.child.command('settle');
      const perEvent = (1e6 * a.mainSeconds) / a.events;
      if (round > 0) us[mode].push(perEvent);
      console.log(
        `${round ? `round ${round}` : 'warm-up'}  other core ${mode}: ${(a.events / seconds).toFixed(0)} events/s, ${perEvent.toFixed(0)} µs of main thread per event`,
      );
    }
  }
} finally {
  await srv.stop();
}
console.log(
  `medians: other core idle ${median(us.idle).toFixed(0)} µs, busy ${median(us.busy).toFixed(0)} µs per event; busy / idle, median of the rounds' ratios ${median(us.busy.map((x, i) => x / us.idle[i])).toFixed(2)}`,
);
