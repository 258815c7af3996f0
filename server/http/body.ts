/**
 * Reads a JSON request body with limits: at most 1 MiB (413), nesting at most 64 deep (checked on the raw text,
 * before parsing), JSON only. Malformed input is a 400 that names the position.
 */
import type { Context } from 'koa';
import { fail } from '../errors';

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_DEPTH = 64;

function tooLarge() {
  return fail(
    'PAYLOAD_TOO_LARGE',
    `请求体超过 ${MAX_BODY_BYTES} 字节上限`,
    `the request body exceeds the ${MAX_BODY_BYTES}-byte limit`,
    { limit: MAX_BODY_BYTES },
  );
}

async function readRaw(ctx: Context): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > MAX_BODY_BYTES) {
    ctx.req.resume();
    throw tooLarge();
  }
  // stream events rather than `for await`: the async iterator costs a promise per chunk and its own set-up per request.
  // The listeners are unnamed arrows left on the request (it ends with its answer): the server runs under tsx, which
  // names each named closure when it is made (an Object.defineProperty each), and taking them off is three more calls
  const req = ctx.req;
  if (req.readableEnded) return Buffer.alloc(0);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        settled = true;
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    req.on('error', (e: Error) => {
      if (settled) return;
      settled = true;
      reject(e);
    });
  });
}

/** Deepest nesting of arrays/objects in a JSON text, ignoring brackets inside strings. Stops early past `limit`. */
export function jsonDepth(text: string, limit = MAX_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped char
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/** The parsed JSON body, or `undefined` for an empty body. */
export async function readJson(ctx: Context): Promise<unknown> {
  const raw = await readRaw(ctx);
  if (raw.length === 0) return undefined;
  const type = ctx.get('content-type');
  if (type && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw fail(
      'UNSUPPORTED_MEDIA_TYPE',
      '请求体必须是 JSON(Content-Type: application/json)',
      'the body must be JSON (Content-Type: application/json)',
      { contentType: type },
    );
  }
  const text = raw.toString('utf8');
  if (jsonDepth(text) > MAX_DEPTH) {
    throw fail(
      'BAD_REQUEST',
      `JSON 嵌套层级超过 ${MAX_DEPTH} 层`,
      `the JSON is nested deeper than ${MAX_DEPTH} levels`,
      { limit: MAX_DEPTH },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw fail(
      'BAD_REQUEST',
      `请求体不是合法的 JSON:${(e as Error).message}`,
      `the body is not valid JSON: ${(e as Error).message}`,
    );
  }
  if (MAYBE_HUGE.test(text)) refuseNonFinite(value, '');
  if (MAYBE_PROTO.test(text)) refuseProtoKeys(value, '');
  return value;
}

/**
 * A `__proto__` key (written plainly or with \u escapes): JSON.parse makes it an own key, but every object spread or
 * `Object.assign` on the way to the case data treats it as the prototype and drops it — so it is refused, with its
 * path, rather than lost silently. Looked for only when the text could hold one.
 */
const MAYBE_PROTO = /__proto__|\\u/;

function refuseProtoKeys(v: unknown, path: string): void {
  if (!v || typeof v !== 'object') return;
  for (const k of Object.keys(v)) {
    const at = `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (k === '__proto__') {
      throw fail(
        'BAD_REQUEST',
        `JSON 中不能使用键名 __proto__(${at})`,
        `the key __proto__ cannot be used in JSON (${at})`,
        [{ path: at, message: { 'zh-CN': '键名 __proto__ 不可用', en: 'the key __proto__ is not allowed' } }],
      );
    }
    refuseProtoKeys((v as Record<string, unknown>)[k], at);
  }
}

/** A number JSON can write but a double cannot hold (1e309, 400 digits) parses as ±Infinity: look for those only then. */
const MAYBE_HUGE = /\d{300}|[eE]\+?\d{3}/;

function refuseNonFinite(v: unknown, path: string): void {
  if (typeof v === 'number' && !Number.isFinite(v)) {
    throw fail(
      'BAD_REQUEST',
      `数值超出可表示的范围(${path || '/'})`,
      `a number is too large to be represented (${path || '/'})`,
      [{ path: path || '/', message: { 'zh-CN': '数值过大', en: 'number too large' } }],
    );
  }
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) refuseNonFinite(x, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  }
}
