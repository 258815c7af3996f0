/**
 * `gongzhi export` / `gongzhi import` as HTTP clients against a stand-in server that records the requests (the real
 * server: cli-server.test.ts): paths, token, bundle format, error exit codes.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gongzhi } from './cli-run';

const seen: { method: string; url: string; auth?: string; body: string }[] = [];
let base = '';
const server = createServer(async (req: IncomingMessage, res) => {
  let body = '';
  for await (const c of req) body += c;
  seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
  if (req.headers.authorization !== 'Bearer t0k') {
    res.writeHead(401).end(JSON.stringify({ code: 'UNAUTHORIZED' }));
    return;
  }
  if (req.method === 'GET' && req.url === '/api/packs/gaotai-county/export') {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ format: 'gongzhi-pack/1', manifest: { id: 'gaotai-county' } }));
    return;
  }
  if (req.method === 'POST' && req.url === '/api/packs') {
    res
      .writeHead(201, { 'content-type': 'application/json' })
      .end(JSON.stringify({ id: JSON.parse(body).manifest.id, version: 2 }));
    return;
  }
  res.writeHead(404).end('{}');
});

beforeAll(
  () =>
    new Promise<void>((r) =>
      server.listen(0, '127.0.0.1', () => {
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        r();
      }),
    ),
);
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('gongzhi export / import over HTTP', { timeout: 30_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-http-'));
  it('bundle then import POSTs the bundle with the token from GONGZHI_TOKEN', async () => {
    const file = join(dir, 'gaotai.json');
    expect((await gongzhi(['bundle', 'configs/packs/gaotai-county', '--out', file])).code).toBe(0);
    const r = await gongzhi(['import', file, '--server', base], { GONGZHI_TOKEN: 't0k' });
    expect(r.out).toContain('✓ 已导入 / imported');
    expect(r.code).toBe(0);
    const post = seen.find((s) => s.method === 'POST')!;
    expect(post.url).toBe('/api/packs');
    expect(JSON.parse(post.body).format).toBe('gongzhi-pack/1');
    // gaotai's changes of two national procedures: the consultation's meeting day, the grid event's graded response
    expect(Object.keys(JSON.parse(post.body).patches).sort()).toEqual(['community-consultation', 'grid-event']);
  });
  it('export writes the server bundle to --out', async () => {
    const out = join(dir, 'exp.json');
    const r = await gongzhi(['export', 'gaotai-county', '--server', base, '--token', 't0k', '--out', out]);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).manifest.id).toBe('gaotai-county');
  });
  it('a wrong token → exit 1 showing the HTTP status', async () => {
    const r = await gongzhi(['export', 'gaotai-county', '--server', base, '--token', 'bad']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('导出失败 / export failed: HTTP 401');
  });
  it('a file that is not a gongzhi-pack/1 bundle is refused before any request', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'other' }));
    const before = seen.length;
    const r = await gongzhi(['import', bad, '--server', base, '--token', 't0k']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('[BUNDLE_FORMAT]');
    expect(seen.length).toBe(before);
  });
});
