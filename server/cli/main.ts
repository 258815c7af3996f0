/**
 * gongzhi — 配置包命令行工具 / pack command-line tool. The runner: parses the command line once (node:util parseArgs,
 * strict), works out the server and token, and runs the named command from commands/ (one file each; see command.ts).
 * Output: Chinese first, English after. Exit codes: 0 done, 1 the command found problems, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { OPTIONS, type Options, type Out } from './command';
import { COMMANDS } from './commands';

const USAGE = [
  '用法 / usage:',
  ...COMMANDS.map((c) => c.usage),
  '  gongzhi help                         本说明 / this help',
  '令牌 / token: --token 或环境变量 GONGZHI_TOKEN; 服务器默认 / default server http://127.0.0.1:3000',
].join('\n');

export async function main(argv: string[], out: Out = (l) => console.log(l)): Promise<number> {
  const [name, ...rest] = argv;
  let positionals: string[];
  let options: Options;
  try {
    ({ positionals, values: options } = parseArgs({
      args: rest,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    }));
  } catch (e) {
    out(`✗ 参数有误 / bad arguments: ${(e as Error).message}`);
    out(USAGE);
    return 2;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    out(USAGE);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    out(name ? `✗ 未知命令 / unknown command: ${name}` : '✗ 缺少命令 / missing command');
    out(USAGE);
    return 2;
  }
  const server = (options.server ?? process.env.GONGZHI_SERVER ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
  const token = options.token ?? process.env.GONGZHI_TOKEN;
  return command.run({ positionals, options, server, token, out, usage: USAGE });
}

if (process.argv[1] && /gongzhi(\.js)?$|main\.ts$/.test(process.argv[1])) {
  process.exitCode = await main(process.argv.slice(2));
}
