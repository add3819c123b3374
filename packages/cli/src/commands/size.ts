import type { Command } from 'commander';
import { PathFilter } from '@ferry/core';
import { type FilterFlags, addFilterOptions, filterRulesOf } from '../transfer-flags.js';
import { formatBytes } from '../format.js';
import { accountHelp, locatePathArg } from '../path-links.js';
import { walkSorted } from '../tree-walk.js';

export function addSizeCommand(program: Command): void {
  const cmd = program
    .command('size <path>')
    .description('Count the files under path and the bytes they hold')
    .option('--json', 'print {"count", "bytes"} as one JSON line')
    .option('--account <remote>', accountHelp('the path', false));
  addFilterOptions(cmd).action(async (arg: string, flags: FilterFlags & { json?: boolean; account?: string }) => {
    const filter = new PathFilter(filterRulesOf(flags));
    const { loc, root } = await locatePathArg(arg, flags.account);
    let count = 0;
    let bytes = 0;
    if (!root.isDir) {
      count = 1;
      bytes = root.size;
    } else {
      for await (const [e, rel] of walkSorted(loc.provider, loc.path, '', true)) {
        if (e.isDir || !filter.includesFile(rel, e)) continue;
        count++;
        bytes += e.size;
      }
    }
    if (flags.json) process.stdout.write(JSON.stringify({ count, bytes }) + '\n');
    else process.stdout.write(`Total objects: ${count}\nTotal size: ${formatBytes(bytes)} (${bytes} bytes)\n`);
  });
}
