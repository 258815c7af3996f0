/** Every `gongzhi` command, in the order the usage text lists them. A new command: its file here, and its line below. */
import type { Command } from '../command';
import { bundle } from './bundle';
import { calendarImport } from './calendar';
import { diff } from './diff';
import { exportPack } from './export';
import { importPack } from './import';
import { migrate } from './migrate';
import { overlay } from './overlay';
import { test } from './test';
import { validate } from './validate';

export const COMMANDS: readonly Command[] = [
  validate,
  test,
  diff,
  overlay,
  bundle,
  exportPack,
  importPack,
  migrate,
  calendarImport,
];
