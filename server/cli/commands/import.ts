/** `gongzhi import <file>`: a `gongzhi-pack/1` bundle into a server (POST /api/packs). */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { BUNDLE_FORMAT } from '../../packs/bundle';
import type { Command } from '../command';
import { http } from '../http';

export const importPack: Command = {
  name: 'import',
  usage: '  gongzhi import <file> [--server URL] [--token T]                导入到服务器 / import into a server',
  async run({ positionals: [file], server, token, out, usage }) {
    if (!file) {
      out(usage);
      return 2;
    }
    let bundle: unknown;
    try {
      bundle = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      out(`✗ [PACK_FILE] ${file}: 无法读取 / unreadable — ${(e as Error).message}`);
      return 1;
    }
    if ((bundle as { format?: string })?.format !== BUNDLE_FORMAT) {
      out(`✗ [BUNDLE_FORMAT] ${file} /format: 应为 must be "${BUNDLE_FORMAT}"`);
      return 1;
    }
    const r = await http('POST', `${server}/api/packs`, token, bundle, out);
    if (!r) return 1;
    if (r.status >= 300) {
      out(`✗ 导入失败 / import failed: HTTP ${r.status} ${JSON.stringify(r.json)}`);
      return 1;
    }
    out(`✓ 已导入 / imported: ${basename(file)} → ${server} ${JSON.stringify(r.json)}`);
    return 0;
  },
};
