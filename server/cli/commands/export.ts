/** `gongzhi export <pack-id> [--out f]`: a pack's bundle from a server (GET /api/packs/:pack/export). */
import { writeFileSync } from 'node:fs';
import type { Command } from '../command';
import { http } from '../http';

export const exportPack: Command = {
  name: 'export',
  usage: '  gongzhi export <pack-id> [--out f] [--server URL] [--token T]   从服务器导出 / export from a server',
  async run({ positionals: [pack], options, server, token, out, usage }) {
    if (!pack) {
      out(usage);
      return 2;
    }
    const r = await http('GET', `${server}/api/packs/${encodeURIComponent(pack)}/export`, token, undefined, out);
    if (!r) return 1;
    if (r.status !== 200) {
      out(`✗ 导出失败 / export failed: HTTP ${r.status} ${JSON.stringify(r.json)}`);
      return 1;
    }
    const text = JSON.stringify(r.json, null, 2) + '\n';
    if (options.out) {
      writeFileSync(options.out, text);
      out(`✓ 已导出 / exported: ${options.out}`);
    } else process.stdout.write(text);
    return 0;
  },
};
