/** CPU time of a process from /proc (Linux), for the HTTP benchmarks and the servers they start. */
import { readFileSync } from 'node:fs';

/**
 * CPU seconds (user + system) a process has used: all its threads, and its main thread alone (/proc; Linux). The
 * main thread runs the requests; the others are libuv's pool (file writes), V8's helpers (concurrent marking, parallel
 * scavenges) and the store's checkpoint writers.
 */
export function cpuOf(pid: number): { all: number; main: number } {
  const seconds = (stat: string) => {
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  };
  return {
    all: seconds(readFileSync(`/proc/${pid}/stat`, 'utf8')),
    main: seconds(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')),
  };
}
