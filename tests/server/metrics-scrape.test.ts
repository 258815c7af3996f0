import { describe, expect, it } from 'vitest';
import { Metrics, type Gauges } from '../../server/metrics';
import type { OpenCount } from '../../server/store/seam';

/** Gauges whose store answers change between two scrapes, and which count how often they were read. */
function changingGauges() {
  let open = 0;
  let reads = 0;
  const g: Gauges = {
    timers: async () => ({ armed: open, due: 0 }),
    outboxPending: async () => 0,
    outboxDead: async () => 0,
    openCases: async (): Promise<OpenCount[]> => {
      reads++;
      return open ? [{ pack: 'national', procedure: 'grid-event', open, overdue: 0 }] : [];
    },
  };
  return { g, setOpen: (n: number) => (open = n), reads: () => reads };
}

const line = (text: string, name: string) => text.split('\n').find((l) => l.startsWith(`${name}{`)) ?? null;

describe('Metrics scrapes', () => {
  it('answers each scrape with the store as it is then, even right after the scrape before', async () => {
    const { g, setOpen } = changingGauges();
    const m = new Metrics(g);
    expect(line(await m.text(), 'gongzhi_cases_open')).toBeNull();
    setOpen(1); // a case started between two scrapes a few milliseconds apart
    expect(line(await m.text(), 'gongzhi_cases_open')).toBe(
      'gongzhi_cases_open{pack="national",procedure="grid-event"} 1',
    );
    expect((await m.text()).match(/^gongzhi_timers_armed (\d+)/m)?.[1]).toBe('1');
  });

  it('reads the open cases from the store once per scrape for both of the gauges that show them', async () => {
    const { g, setOpen, reads } = changingGauges();
    setOpen(2);
    const m = new Metrics(g);
    await m.text();
    expect(reads()).toBe(1);
    await m.text();
    expect(reads()).toBe(2);
  });
});
