import type { Command } from 'commander';
import type { Entry } from '@ferry/core';
import { writeOut } from '../output-pipe.js';
import { accountHelp, locatePathArg } from '../path-links.js';
import { walkSorted } from '../tree-walk.js';

/**
 * rclone's lsjson names, so scripts written for it read Ferry's: a folder's Size is -1, ModTime is
 * RFC 3339 in UTC and left out when the service gives none, Hashes and ID only when known. No
 * MimeType: no provider here lists one.
 */
function item(e: Entry, rel: string): Record<string, unknown> {
  return {
    Path: rel,
    Name: e.name,
    Size: e.isDir ? -1 : e.size,
    ...(e.mtime === undefined ? {} : { ModTime: new Date(e.mtime).toISOString() }),
    IsDir: e.isDir,
    ...(e.sha1 ? { Hashes: { sha1: e.sha1 } } : {}),
    ...(e.id === undefined ? {} : { ID: e.id }),
  };
}

export function addLsjsonCommand(program: Command): void {
  program
    .command('lsjson <path>')
    .description('List a folder as one JSON array (rclone lsjson fields: Path, Name, Size, ModTime, IsDir, Hashes.sha1, ID)')
    .option('-R, --recursive', 'list every folder below as well')
    .option('--account <remote>', accountHelp('the path', false))
    .action(async (arg: string, flags: { recursive?: boolean; account?: string }) => {
      const { loc, root } = await locatePathArg(arg, flags.account);
      if (!root.isDir) {
        await writeOut(`[\n${JSON.stringify(item(root, root.name))}\n]\n`);
        return;
      }
      // Written as it is listed: a huge tree never sits in memory.
      let first = true;
      await writeOut('[');
      for await (const [e, rel] of walkSorted(loc.provider, loc.path, '', !!flags.recursive)) {
        await writeOut(`${first ? '\n' : ',\n'}${JSON.stringify(item(e, rel))}`);
        first = false;
      }
      await writeOut('\n]\n');
    });
}
