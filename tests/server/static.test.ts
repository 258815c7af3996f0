/**
 * The designer's build served at `/`: files with their type from Koa's MIME lookup, assets cached for good, any other
 * page path answered with index.html (the single-page app), nothing outside the build folder, and a bilingual page
 * when there is no build.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, describe, expect, it } from 'vitest';
import { serveDesigner } from '../../server/http/static';
import { tempDir } from './helpers';

const dist = tempDir('gongzhi-dist-');
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>共治</title>');
writeFileSync(join(dist, 'assets', 'app-1234.js'), 'console.log(1)');
writeFileSync(join(dist, 'assets', 'app-1234.css'), 'body{}');

const servers: import('node:http').Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

async function serve(dir: string | undefined): Promise<string> {
  const app = new Koa();
  app.use(serveDesigner(dir));
  app.use((ctx) => {
    ctx.body = { api: true };
  });
  const s = app.listen(0);
  servers.push(s);
  await new Promise((r) => s.once('listening', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe('serving the designer build', () => {
  it('answers files with their type; assets are cached for good, pages not', async () => {
    const base = await serve(dist);
    const js = await fetch(`${base}/assets/app-1234.js`);
    expect([js.status, js.headers.get('content-type'), js.headers.get('cache-control'), await js.text()]).toEqual([
      200,
      'text/javascript; charset=utf-8',
      'public, max-age=31536000, immutable',
      'console.log(1)',
    ]);
    expect((await fetch(`${base}/assets/app-1234.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const page = await fetch(`${base}/`);
    expect([page.headers.get('content-type'), page.headers.get('cache-control'), await page.text()]).toEqual([
      'text/html; charset=utf-8',
      'no-cache',
      '<!doctype html><title>共治</title>',
    ]);
  });

  it('answers any other page path with index.html, never a file outside the build, and leaves /api to the API', async () => {
    const base = await serve(dist);
    for (const path of ['/cases/abc', '/..%2f..%2fetc%2fpasswd', '/assets/missing.js'])
      expect(await (await fetch(`${base}${path}`)).text()).toBe('<!doctype html><title>共治</title>');
    expect(await (await fetch(`${base}/api/x`)).json()).toEqual({ api: true });
  });

  it('without a build, says in both languages how to get one', async () => {
    const text = await (await fetch(`${await serve(undefined)}/`)).text();
    expect(text).toContain('设计器尚未构建');
    expect(text).toContain('The designer has not been built');
  });
});
