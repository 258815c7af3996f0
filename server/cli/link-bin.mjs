// npx/npm exec do not link a root package's own bin; this links node_modules/.bin/gongzhi (run by `npm install` via "prepare").
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
const bin = 'node_modules/.bin';
if (existsSync('node_modules')) {
  mkdirSync(bin, { recursive: true });
  rmSync(`${bin}/gongzhi`, { force: true });
  symlinkSync('../../server/cli/gongzhi.js', `${bin}/gongzhi`);
}
