import type { Command } from 'commander';
import { UsageError } from '../output.js';
import { loadContext } from '../context.js';
import { locateItem } from '../item-location.js';
import { requireAbility } from '../provider-abilities.js';

export function addMkdirCommand(program: Command): void {
  program
    .command('mkdir <path>')
    .description('Make a folder, and its parents where missing (a folder already there is fine)')
    .action(async (arg: string) => {
      const loc = (await loadContext()).locate(arg);
      await requireAbility(loc, 'mkdirp')(loc.path);
    });
}

export function addRmdirCommand(program: Command): void {
  program
    .command('rmdir <path>')
    .description('Remove an empty folder (use purge for a folder with content)')
    .action(async (arg: string) => {
      const loc = locateItem(await loadContext(), arg);
      const remove = requireAbility(loc, 'remove');
      const entry = await loc.provider.stat(loc.path);
      if (!entry.isDir) throw new UsageError(`${loc.display} is a file, not a folder (delete it with \`ferry delete\`)`);
      if (loc.path === '/') throw new UsageError(`${loc.display} is the remote's root; it is not removed`);
      const first = await loc.provider.list(loc.path)[Symbol.asyncIterator]().next();
      if (!first.done) throw new UsageError(`${loc.display} is not empty (it holds '${first.value.name}'); use \`ferry purge\` to remove it with its content`);
      await remove(loc.path, entry.id);
    });
}
