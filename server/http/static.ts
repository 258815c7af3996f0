/**
 * Serves the designer's build at `/` (files from designer/dist; any other non-API path gets index.html, the
 * single-page app decides). Without a build, a short bilingual page says how to get one.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Context, Next } from 'koa';

const NOT_BUILT = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>共治 Gongzhi</title>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>共治 Gongzhi</h1><p>设计器尚未构建。请运行 <code>npm start</code>(会自动构建)。</p>
<p>The designer has not been built. Run <code>npm start</code> (it builds it). The API is at <a href="/api/openapi.json">/api/openapi.json</a>.</p></body></html>`;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export function serveDesigner(distDir: string | undefined) {
  const root = distDir ? resolve(distDir) : undefined;
  return async (ctx: Context, next: Next) => {
    if (ctx.path.startsWith('/api/') || ctx.path === '/api' || (ctx.method !== 'GET' && ctx.method !== 'HEAD'))
      return next();
    if (!root || !(await isFile(join(root, 'index.html')))) {
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = NOT_BUILT;
      return;
    }
    let rel: string;
    try {
      rel = normalize(decodeURIComponent(ctx.path)).replace(/^([/\\])+/, '');
    } catch {
      rel = '';
    }
    let file = resolve(root, rel);
    if (!(file === root || file.startsWith(root + sep)) || !(await isFile(file))) file = join(root, 'index.html');
    // Koa's own MIME lookup (mime-types), with the charset for text types
    ctx.type = extname(file) || 'application/octet-stream';
    ctx.set('Cache-Control', file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    ctx.body = createReadStream(file);
  };
}
