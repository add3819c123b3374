import type { Command } from 'commander';
import { loadContext } from '../context.js';
import { formatBytes } from '../format.js';
import { requireAbility } from '../provider-abilities.js';

export function addAboutCommand(program: Command): void {
  program
    .command('about <remote>')
    .description("Show the account's space: used, total and free (115, Aliyun Drive; the disk's for a local path)")
    .option('--json', 'print {"used", "total", "free"} in bytes as one JSON line')
    .action(async (arg: string, flags: { json?: boolean }) => {
      const loc = (await loadContext()).locate(arg);
      const usage = await requireAbility(loc, 'about')();
      if (flags.json) {
        process.stdout.write(JSON.stringify(usage) + '\n');
        return;
      }
      const rows: [string, number | undefined][] = [['Total', usage.total], ['Used', usage.used], ['Free', usage.free]];
      for (const [label, bytes] of rows) {
        if (bytes !== undefined) process.stdout.write(`${`${label}:`.padEnd(7)}${formatBytes(bytes)} (${bytes} bytes)\n`);
      }
    });
}
