import type { Command } from 'commander';
import type { Entry } from '@ferry/core';
import { formatTime } from '../format.js';
import { writeOut } from '../output-pipe.js';
import { accountHelp, locatePathArg } from '../path-links.js';
import { walkSorted } from '../tree-walk.js';

function line(e: Entry, rel: string): string {
  const size = e.isDir ? '-' : String(e.size);
  return `${size.padStart(14)}  ${formatTime(e.mtime)}  ${rel}${e.isDir ? '/' : ''}`;
}

export function addLsCommand(program: Command): void {
  program
    .command('ls <path>')
    .description('List a folder (size, modification time, name; folders end with /)')
    .option('-R, --recursive', 'list every folder below as well')
    .option('--account <remote>', accountHelp('the path', false))
    .action(async (arg: string, flags: { recursive?: boolean; account?: string }) => {
      const { loc, root } = await locatePathArg(arg, flags.account);
      if (!root.isDir) {
        await writeOut(line(root, root.name) + '\n');
        return;
      }
      for await (const [e, rel] of walkSorted(loc.provider, loc.path, '', !!flags.recursive)) {
        await writeOut(line(e, rel) + '\n');
      }
    });
}
