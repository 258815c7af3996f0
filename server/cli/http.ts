/** The server-side commands' HTTP call (export, import, migrate): JSON in and out, a bearer token, and "cannot reach". */
import type { Out } from './command';

export async function http(
  method: string,
  url: string,
  token: string | undefined,
  body: unknown,
  out: Out,
): Promise<{ status: number; json: unknown } | null> {
  try {
    const res = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, json };
  } catch (e) {
    out(`✗ 无法连接服务器 / cannot reach server ${url}: ${(e as Error).message}`);
    return null;
  }
}
