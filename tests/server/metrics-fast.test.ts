import { describe, expect, it } from 'vitest';
import { Metrics, type Gauges } from '../../server/metrics';

const gauges: Gauges = {
  timers: async () => ({ armed: 0, due: 0 }),
  outboxPending: async () => 0,
  outboxDead: async () => 0,
  openCases: async () => [],
};

/** The /metrics text of the measures `request` and `step` feed (the process's own measures left out). */
async function fed(m: Metrics): Promise<string> {
  const text = await m.text();
  return text
    .split('\n')
    .filter((l) => /^(# (HELP|TYPE) )?gongzhi_(http_request|steps_total|step_duration)/.test(l))
    .join('\n');
}

/** Requests and steps with values around and beyond the bucket bounds, several label sets, repeated. */
const REQUESTS: [string, string, string, number][] = [
  ['POST', '/api/instances/:id/events', '200', 0.0004],
  ['POST', '/api/instances/:id/events', '200', 0.0005],
  ['POST', '/api/instances/:id/events', '409', 0.003],
  ['GET', '/api/instances/:id', '200', 0.0012],
  ['POST', '/api/instances/:id/events', '200', 7.5],
  ['GET', 'unmatched', '404', 0.25],
  ['POST', '/api/instances', '201', 0.02],
];
const STEPS: [string, string, number][] = [
  ['national', 'grid-event', 0.00002],
  ['national', 'mediation', 0.001],
  ['national', 'grid-event', 0.0006],
  ['national', 'grid-event', 6],
];

describe('Metrics: the hot path’s labelled measures', () => {
  it('give the same /metrics text as prom-client’s own inc/observe for the same calls', async () => {
    const fast = new Metrics(gauges);
    const plain = new Metrics(gauges);
    for (let round = 0; round < 3; round++) {
      for (const [method, route, status, s] of REQUESTS) {
        fast.request(method, route, status, s);
        plain.requests.inc({ method, route, status });
        plain.requestSeconds.observe({ method, route }, s);
      }
      for (const [pack, procedure, s] of STEPS) {
        fast.step(pack, procedure, s);
        plain.steps.inc({ pack, procedure });
        plain.stepSeconds.observe({ pack, procedure }, s);
      }
      const text = await fed(fast);
      expect(text).toBe(await fed(plain));
      // the figures are really there (not two empty texts)
      expect(text).toContain(
        `gongzhi_http_requests_total{method="POST",route="/api/instances/:id/events",status="200"} ${3 * (round + 1)}`,
      );
      expect(text).toContain(`gongzhi_steps_total{pack="national",procedure="grid-event"} ${3 * (round + 1)}`);
      expect(text).toContain(
        `gongzhi_step_duration_seconds_bucket{le="0.001",pack="national",procedure="grid-event"} ${2 * (round + 1)}`,
      );
    }
  });

  it('mixes with prom-client’s own calls on the same measure, and counts again after a reset', async () => {
    const m = new Metrics(gauges);
    m.request('POST', '/api/instances', '201', 0.002);
    m.requests.inc({ method: 'POST', route: '/api/instances', status: '201' });
    m.request('POST', '/api/instances', '201', 0.002);
    expect((await m.requests.get()).values[0].value).toBe(3);
    m.requests.reset();
    m.requestSeconds.reset();
    m.request('POST', '/api/instances', '201', 0.002);
    m.request('POST', '/api/instances', '201', 0.002);
    expect((await m.requests.get()).values.map((v) => v.value)).toEqual([2]);
    const h = await m.requestSeconds.get();
    expect(h.values.find((v) => v.metricName?.endsWith('_count'))?.value).toBe(2);
    expect(h.values.find((v) => (v.labels as { le?: number }).le === 0.0025)?.value).toBe(2);
  });

  it('refuses a value that is not a number as prom-client does, and keeps counting after it', () => {
    const m = new Metrics(gauges);
    m.step('national', 'grid-event', 0.001);
    expect(() => m.step('national', 'grid-event', Number.NaN)).toThrow(/not a valid number/);
  });
});
