/** What the routes are given: every server part, built once by app.ts. */
import type { Store } from './store/seam';
import type { PackCatalog } from './packs/catalog';
import type { CaseService } from './cases/service';
import type { Tokens, Auth } from './auth/tokens';
import type { Clock, ControlledClock } from './time/clock';
import type { Scheduler } from './time/scheduler';
import type { Outbox } from './webhooks/outbox';
import type { Subscriptions } from './webhooks/subscriptions';
import type { DataDirLock } from './util/data-lock';
import type { WebhookService } from './webhooks/service';
import type { Metrics } from './metrics';
import type { Logger } from './log';

export interface AppDeps {
  store: Store;
  catalog: PackCatalog;
  cases: CaseService;
  tokens: Tokens;
  subscriptions: Subscriptions;
  clock: Clock | ControlledClock;
  scheduler: Scheduler;
  outbox: Outbox;
  webhooks: WebhookService;
  metrics: Metrics;
  logger: Logger;
  log: (msg: string) => void;
  /** This process's hold on DATA_DIR (released at close). */
  dataLock: DataDirLock;
}

export type State = { auth: Auth; requestId: string };
