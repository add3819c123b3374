import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { UsageError } from '../output.js';
import { accountHelp, locatePathArg } from '../path-links.js';
import { wholeNumber } from '../transfer-settings.js';

export function addCatCommand(program: Command): void {
  program
    .command('cat <path>')
    .description('Write a file to stdout')
    .option('--offset <bytes>', 'start this many bytes into the file', '0')
    .option('--count <bytes>', 'write at most this many bytes (default: to the end)')
    .option('--account <remote>', accountHelp('the path', false))
    .action(async (arg: string, flags: { offset: string; count?: string; account?: string }) => {
      const offset = wholeNumber('offset', flags.offset, 0, Number.MAX_SAFE_INTEGER);
      const count = flags.count === undefined ? undefined : wholeNumber('count', flags.count, 0, Number.MAX_SAFE_INTEGER);
      const { loc, root: entry } = await locatePathArg(arg, flags.account);
      if (entry.isDir) throw new UsageError(`${loc.display} is a folder; cat writes one file`);
      const start = Math.min(offset, entry.size);
      const end = count === undefined ? entry.size : Math.min(entry.size, start + count);
      if (start === end) return;
      await pipeline(await loc.provider.openRead(entry, { start, end }), process.stdout);
    });
}
