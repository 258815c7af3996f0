/**
 * The server's measures for GET /metrics (Prometheus text, with prom-client): requests; steps and refusals by code
 * per pack and procedure; step and store latency; timers armed, due and timer lag; outbox pending, dead and delivery
 * latency; open and overdue cases. Counters and histograms are this process's (each process of a shared store is
 * scraped on its own); gauges are read from the store when scraped, so they are the same on every process.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OpenCount } from './store/seam';

export interface Gauges {
  /** Deadlines armed, and of those due by now (not fired yet). */
  timers(): Promise<{ armed: number; due: number }>;
  outboxPending(): Promise<number>;
  outboxDead(): Promise<number>;
  openCases(): Promise<OpenCount[]>;
}

const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** prom-client's record of one label set of a counter (`value`) or a histogram (`sum`, `count`, `bucketValues`). */
interface LabelRecord {
  labels: object;
  value: number;
  sum: number;
  count: number;
  bucketValues: Record<number, number>;
}
type WithRecords = { hashMap: Record<string, LabelRecord> };
interface Slot {
  hash: string;
  rec: LabelRecord;
}

/**
 * The hot path's labelled counters and histograms without prom-client's work on every call (validating the label
 * object's names, hashing it into its key, a closure per observation): a label set's record in the metric — prom-client's
 * own, made by a first call through prom-client's API — is found again by the label values in nested Maps and updated
 * as prom-client updates it (a counter's `value`; a histogram's `sum`, `count` and the one bucket `value <= bound`
 * counts in). The figures stay prom-client's, so /metrics, `get()`, `reset()` and `remove()` see every call; a
 * record the metric no longer holds (after a reset or remove) is made again through prom-client.
 */
class LabelledFast {
  private readonly root = new Map<unknown, unknown>();
  constructor(
    private readonly metric: Counter<string> | Histogram<string>,
    private readonly names: readonly string[],
    /** A histogram's bucket bounds; none for a counter. */
    private readonly buckets?: readonly number[],
  ) {}

  /** Adds `value` (1 for a counter) for the label values `a`, `b`, `c` (in the order of `names`). */
  add(value: number, a: string, b: string, c?: string): void {
    let level = this.root.get(a) as Map<unknown, unknown> | undefined;
    let slot = level?.get(b) as Slot | Map<unknown, unknown> | undefined;
    if (this.names.length === 3) slot = (slot as Map<unknown, unknown> | undefined)?.get(c) as Slot | undefined;
    const s = slot as Slot | undefined;
    const map = (this.metric as unknown as WithRecords).hashMap;
    if (s && map[s.hash] === s.rec && Number.isFinite(value)) {
      const rec = s.rec;
      if (!this.buckets) {
        rec.value += value;
        return;
      }
      rec.sum += value;
      rec.count += 1;
      const bounds = this.buckets;
      for (let i = 0; i < bounds.length; i++) {
        if (value <= bounds[i]) {
          rec.bucketValues[bounds[i]] += 1;
          break;
        }
      }
      return;
    }
    // first sight of this label set (or its record was reset): through prom-client, which validates and records it
    const labels: Record<string, string> = { [this.names[0]]: a, [this.names[1]]: b };
    if (this.names.length === 3) labels[this.names[2]] = c as string;
    if (this.buckets) (this.metric as Histogram<string>).observe(labels, value);
    else (this.metric as Counter<string>).inc(labels, value);
    let hash: string | undefined;
    for (const h in map) if (map[h].labels === labels) hash = h;
    if (hash === undefined) return; // not recorded the way this class knows: prom-client's API is used every time
    const found: Slot = { hash, rec: map[hash] };
    if (!level) this.root.set(a, (level = new Map()));
    if (this.names.length === 3) {
      let last = level.get(b) as Map<unknown, unknown> | undefined;
      if (!last) level.set(b, (last = new Map()));
      last.set(c, found);
    } else level.set(b, found);
  }
}

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'gongzhi_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  readonly requestSeconds = new Histogram({
    name: 'gongzhi_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'],
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly steps = new Counter({
    name: 'gongzhi_steps_total',
    help: 'Steps applied (starts, events, cancellations), by pack and procedure',
    labelNames: ['pack', 'procedure'],
    registers: [this.registry],
  });
  readonly refusals = new Counter({
    name: 'gongzhi_refusals_total',
    help: 'Steps refused by the engine, by pack, procedure and code',
    labelNames: ['pack', 'procedure', 'code'],
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'gongzhi_http_errors_total',
    help: 'Error answers by code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly stepSeconds = new Histogram({
    name: 'gongzhi_step_duration_seconds',
    help: 'Engine step computation time',
    labelNames: ['pack', 'procedure'],
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly storeSeconds = new Histogram({
    name: 'gongzhi_store_write_duration_seconds',
    help: 'Time for a case write to be acknowledged by the store',
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly timerLag = new Histogram({
    name: 'gongzhi_timer_lag_seconds',
    help: 'How late a deadline fired after its due time (on the server clock)',
    buckets: [0.01, 0.1, 1, 5, 15, 60, 300, 3600],
    registers: [this.registry],
  });
  readonly timersFired = new Counter({
    name: 'gongzhi_timers_fired_total',
    help: 'Deadlines fired',
    registers: [this.registry],
  });
  readonly deliverySeconds = new Histogram({
    name: 'gongzhi_webhook_delivery_latency_seconds',
    help: 'From a delivery being written (with its step) to the receiver answering 2xx, on the server clock',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600, 3600],
    registers: [this.registry],
  });
  readonly deliveriesDead = new Counter({
    name: 'gongzhi_webhook_deliveries_dead_total',
    help: 'Deliveries given up after their last attempt',
    registers: [this.registry],
  });

  private readonly fastRequests = new LabelledFast(this.requests, ['method', 'route', 'status']);
  private readonly fastRequestSeconds = new LabelledFast(this.requestSeconds, ['method', 'route'], SECONDS);
  private readonly fastSteps = new LabelledFast(this.steps, ['pack', 'procedure']);
  private readonly fastStepSeconds = new LabelledFast(this.stepSeconds, ['pack', 'procedure'], SECONDS);

  /** An HTTP request answered: `requests` and `requestSeconds`, as their `inc`/`observe` would count it. */
  request(method: string, route: string, status: string, seconds: number): void {
    this.fastRequests.add(1, method, route, status);
    this.fastRequestSeconds.add(seconds, method, route);
  }

  /** A step applied (`steps`, `stepSeconds`), as their `inc`/`observe` would count it. */
  step(pack: string, procedure: string, seconds: number): void {
    this.fastSteps.add(1, pack, procedure);
    this.fastStepSeconds.add(seconds, pack, procedure);
  }

  constructor(g: Gauges) {
    collectDefaultMetrics({ register: this.registry, prefix: 'gongzhi_' }); // gongzhi_process_cpu_seconds_total, gongzhi_nodejs_eventloop_lag_seconds…
    // gauges read together in one scrape are read from the store once — per scrape, never a scrape's values given
    // to the next (a time window did that: a scrape within 50 ms of the one before answered its counts)
    const once = <T>(read: () => Promise<T>) => {
      let scrape = -1;
      let last: Promise<T> | null = null;
      return () => {
        if (!last || scrape !== this.scrapes) {
          scrape = this.scrapes;
          last = read();
        }
        return last;
      };
    };
    const timers = once(() => g.timers());
    const cases = once(() => g.openCases());
    new Gauge({
      name: 'gongzhi_timers_armed',
      help: 'Deadlines armed (waiting for their due time)',
      registers: [this.registry],
      async collect() {
        this.set((await timers()).armed);
      },
    });
    new Gauge({
      name: 'gongzhi_timers_due',
      help: 'Deadlines due by now and not fired yet (the scheduler’s backlog)',
      registers: [this.registry],
      async collect() {
        this.set((await timers()).due);
      },
    });
    new Gauge({
      name: 'gongzhi_outbox_pending',
      help: 'Webhook deliveries waiting (pending or failed)',
      registers: [this.registry],
      async collect() {
        this.set(await g.outboxPending());
      },
    });
    new Gauge({
      name: 'gongzhi_outbox_dead',
      help: 'Webhook deliveries dead (kept, redeliverable)',
      registers: [this.registry],
      async collect() {
        this.set(await g.outboxDead());
      },
    });
    const fill = (gauge: Gauge<'pack' | 'procedure'>, pick: (c: OpenCount) => number) => async () => {
      const list = await cases();
      gauge.reset();
      for (const c of list) gauge.set({ pack: c.pack, procedure: c.procedure }, pick(c));
    };
    const open: Gauge<'pack' | 'procedure'> = new Gauge({
      name: 'gongzhi_cases_open',
      help: 'Open cases, by pack and procedure',
      labelNames: ['pack', 'procedure'],
      registers: [this.registry],
      collect: () => fill(open, (c) => c.open)(),
    });
    const overdue: Gauge<'pack' | 'procedure'> = new Gauge({
      name: 'gongzhi_cases_overdue',
      help: 'Open cases with an expired deadline, by pack and procedure',
      labelNames: ['pack', 'procedure'],
      registers: [this.registry],
      collect: () => fill(overdue, (c) => c.overdue)(),
    });
  }

  /** Scrapes so far: the gauges read from the store are read once per scrape. */
  private scrapes = 0;

  text(): Promise<string> {
    this.scrapes++;
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
