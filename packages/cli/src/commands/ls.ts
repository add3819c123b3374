import type { Command } from 'commander';
import { type Entry, type Provider, joinPath } from '@ferry/core';
import { loadContext } from '../context.js';
import { formatTime } from '../format.js';
import { writeOut } from '../output-pipe.js';
import { shareLinksAsPaths } from '../share-paths.js';

function line(e: Entry, rel: string): string {
  const size = e.isDir ? '-' : String(e.size);
  return `${size.padStart(14)}  ${formatTime(e.mtime)}  ${rel}${e.isDir ? '/' : ''}`;
}

/** By code unit, so the order is the same in every locale. */
function byName(a: Entry, b: Entry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Each folder sorted by name: services list in their own order (115 by upload time, folders first). */
async function* walk(provider: Provider, dir: string, rel: string, recursive: boolean): AsyncGenerator<[Entry, string]> {
  const entries: Entry[] = [];
  for await (const e of provider.list(dir)) entries.push(e);
  for (const e of entries.sort(byName)) {
    const childRel = rel ? `${rel}/${e.name}` : e.name;
    yield [e, childRel];
    if (recursive && e.isDir) yield* walk(provider, joinPath(dir, e.name), childRel, true);
  }
}

export function addLsCommand(program: Command): void {
  program
    .command('ls <path>')
    .description('List a folder (size, modification time, name; folders end with /)')
    .option('-R, --recursive', 'list every folder below as well')
    .option('--account <remote>', 'the p115 remote whose login reads a 115 share link given as the path (default: the only p115 remote configured)')
    .action(async (arg: string, flags: { recursive?: boolean; account?: string }) => {
      const ctx = await loadContext();
      const [path] = shareLinksAsPaths([arg], ctx.config, flags.account);
      const loc = ctx.locate(path!);
      const root = await loc.provider.stat(loc.path);
      if (!root.isDir) {
        await writeOut(line(root, root.name) + '\n');
        return;
      }
      for await (const [e, rel] of walk(loc.provider, loc.path, '', !!flags.recursive)) {
        await writeOut(line(e, rel) + '\n');
      }
    });
}
