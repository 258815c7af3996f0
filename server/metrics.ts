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
