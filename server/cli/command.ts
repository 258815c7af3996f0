/**
 * What a `gongzhi` command is: its name, its lines of the usage text, and `run` over the parsed command line. The
 * runner (main.ts) parses the options once (node:util parseArgs over `OPTIONS`), works out the server and token, and
 * hands each command a `CommandContext`. Adding a command is one file in commands/ and its line in commands/index.ts.
 */
import type { ParseArgsConfig } from 'node:util';

/** Where a command writes its lines (the console; a test's collector). */
export type Out = (line: string) => void;

/** Every option of every command (strict: an unknown option, or one missing its value, is refused with the usage). */
export const OPTIONS = {
  out: { type: 'string' },
  server: { type: 'string' },
  token: { type: 'string' },
  pack: { type: 'string' },
  'packs-dir': { type: 'string' },
  to: { type: 'string' },
  from: { type: 'string' },
  state: { type: 'string' },
  map: { type: 'string' },
  instance: { type: 'string' },
  limit: { type: 'string' },
  'dry-run': { type: 'boolean' },
  write: { type: 'boolean' },
  run: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

/** The parsed options: strings and booleans, as `OPTIONS` types them. */
export type Options = {
  [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string;
};

export interface CommandContext {
  /** The words after the command's name. */
  positionals: string[];
  options: Options;
  /** `--server`, else GONGZHI_SERVER, else http://127.0.0.1:3000 (no trailing slash). */
  server: string;
  /** `--token`, else GONGZHI_TOKEN. */
  token: string | undefined;
  out: Out;
  /** The whole usage text (a command prints it when its arguments are wrong, with exit code 2). */
  usage: string;
}

export interface Command {
  name: string;
  /** Its lines of the usage text, as printed. */
  usage: string;
  run(c: CommandContext): number | Promise<number>;
}
