/**
 * End-to-end harness: builds the designer (once, under a lock), starts the real server on a temporary
 * data folder with a controlled clock, and drives Debian's Chromium with playwright-core.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { ensureDesignerBuilt } from '../../designer/build';
import { startServer, type RunningServer } from '../../server/app';

export const ADMIN = 'e2e-admin';
export const START_TIME = '2025-09-26T09:00:00+08:00';
export const SCREENSHOTS = resolve('tests/e2e/screenshots');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Harness {
  server: RunningServer;
  url: string;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Calls the API as the admin. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function launchBrowser(userDataDir: string): Promise<{ browser: Browser; context: BrowserContext }> {
  // A persistent context gives Chromium its own fresh profile folder.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1500, height: 950 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  return { browser: context.browser()!, context };
}

export async function startHarness(opts: { packsDir?: string } = {}): Promise<Harness> {
  const designerDir = await ensureDesignerBuilt();
  const root = mkdtempSync(join(tmpdir(), 'gongzhi-e2e-'));
  const server = await startServer({
    port: 0,
    dataDir: join(root, 'data'),
    packsDir: opts.packsDir ?? 'configs/packs',
    adminToken: ADMIN,
    controlledClock: true,
    now: START_TIME,
    quiet: true,
    designerDir,
    fsync: false,
    log: () => {},
  });
  const { browser, context } = await launchBrowser(join(root, 'chromium'));
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    server,
    url: server.url,
    browser,
    context,
    page,
    async api(method, path, body) {
      const res = await fetch(server.url + path, {
        method,
        headers: {
          Authorization: `Bearer ${ADMIN}`,
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as never };
    },
    async screenshot(name) {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
    },
    async close() {
      await context.close().catch(() => {});
      await server.close().catch(() => {});
      rmSync(root, { recursive: true, force: true });
      if (errors.length) console.warn(`page errors: ${errors.join('\n')}`);
    },
  };
}

/**
 * One harness for a test file: started before its tests, closed after them. The object returned is filled in
 * when `beforeAll` has run, so tests use it as they would the harness itself.
 */
export function useHarness(): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    Object.assign(h, await startHarness());
  }, 120_000);
  afterAll(async () => {
    await h.close?.();
  });
  return h;
}

/** Opens the designer signed in with the admin token, on a pack and procedure. */
export async function openProcedure(h: Harness, pack: string, proc: string): Promise<void> {
  await h.page.goto(`${h.url}/?token=${ADMIN}&pack=${pack}&proc=${proc}`);
  await waitForChart(h.page);
}

/** Waits until the chart is drawn with elk's layout (small charts wait for it before they are drawn). */
export async function waitForChart(page: Page): Promise<void> {
  await page.locator('[data-testid=canvas][data-layout=elk] [data-testid=state-node]').first().waitFor();
  await page.waitForTimeout(100); // the view is fitted on the next frame
}

export const node = (page: Page, path: string) => page.locator(`[data-testid=state-node][data-state="${path}"]`);

/**
 * Waits until the chart's view stands still: the designer pans and zooms with a short animation (e.g. it centres
 * on a state just added), and a position read during it is stale by the time of a click.
 */
export async function viewStill(page: Page): Promise<void> {
  const transform = () => page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
  let before = await transform();
  for (let i = 0; i < 50; i++) {
    await page.waitForTimeout(60);
    const now = await transform();
    if (now === before) return;
    before = now;
  }
  throw new Error('the chart view kept moving for 3 s');
}

/** Fits the whole chart into view (React Flow's fit-view control). */
export async function fitView(page: Page): Promise<void> {
  await page.locator('.react-flow__controls-fitview').click();
  await page.waitForTimeout(150);
  await viewStill(page);
}

/** Clicks a state on the chart, fitting the view first when it is out of sight. */
export async function clickNode(page: Page, path: string): Promise<void> {
  const n = node(page, path);
  await viewStill(page);
  const box = await n.boundingBox();
  const canvas = await page.getByTestId('canvas').boundingBox();
  const inside =
    box &&
    canvas &&
    box.x >= canvas.x &&
    box.y >= canvas.y &&
    box.x + box.width <= canvas.x + canvas.width &&
    box.y + box.height <= canvas.y + canvas.height;
  if (!inside) await fitView(page);
  await n.click({ position: { x: 12, y: 10 } });
}

export const edgeLabel = (page: Page, pointer: string) =>
  page.locator(`[data-testid=edge-label][data-edge="${pointer}"]`);

/** Clicks a transition's label on the chart, fitting the view first when it is out of sight. */
export async function clickEdge(page: Page, pointer: string): Promise<void> {
  const l = edgeLabel(page, pointer);
  await viewStill(page);
  const box = await l.boundingBox();
  const canvas = await page.getByTestId('canvas').boundingBox();
  const inside =
    box &&
    canvas &&
    box.x >= canvas.x &&
    box.y >= canvas.y + 40 &&
    box.x + box.width <= canvas.x + canvas.width &&
    box.y + box.height <= canvas.y + canvas.height;
  if (!inside) await fitView(page);
  await l.click();
}
