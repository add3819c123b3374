import type { Command } from 'commander';
import { type Entry, type Provider, can, joinPath, sha1OfStream } from '@ferry/core';
import { writeOut } from '../output-pipe.js';
import { accountHelp, locatePathArg } from '../path-links.js';

async function sha1Of(provider: Provider, entry: Entry): Promise<string> {
  if (entry.sha1) return entry.sha1;
  if (can(provider, 'hash')) return provider.hash(entry);
  return sha1OfStream(await provider.openRead(entry));
}

async function* files(provider: Provider, dir: string, rel: string): AsyncGenerator<[Entry, string]> {
  const entries: Entry[] = [];
  for await (const e of provider.list(dir)) entries.push(e);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const childRel = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDir) yield* files(provider, joinPath(dir, e.name), childRel);
    else yield [e, childRel];
  }
}

export function addHashCommand(program: Command): void {
  program
    .command('hash <path>')
    .description("Print the SHA-1 of a file, or of every file below a folder, as sha1sum does")
    .addHelpText('after', '\nSHA-1s that the remote lists (115, Aliyun, 115 shares) are printed without reading the file.')
    .option('--account <remote>', accountHelp('the path', false))
    .action(async (arg: string, flags: { account?: string }) => {
      const { loc, root } = await locatePathArg(arg, flags.account);
      if (!root.isDir) {
        await writeOut(`${await sha1Of(loc.provider, root)}  ${root.name}\n`);
        return;
      }
      for await (const [e, rel] of files(loc.provider, loc.path, '')) {
        await writeOut(`${await sha1Of(loc.provider, e)}  ${rel}\n`);
      }
    });
}
