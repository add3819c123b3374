import type { Command } from 'commander';
import { type Entry, type Location, type Provider, NotFound, can, joinPath, parentPath, parseRemotePath } from '@ferry/core';
import { loadContext } from '../context.js';
import { locateItem } from '../item-location.js';
import { UsageError } from '../output.js';
import { refuseOverlap } from '../overlap-guard.js';
import { requireAbility } from '../provider-abilities.js';
import { accountHelp, withPathLinks } from '../path-links.js';
import { type TransferFlags, addTransferOptions, printSummary, runTransferCommand } from './transfer.js';
import type { FilterFlags } from '../transfer-flags.js';

interface MoveFlags extends TransferFlags {
  deleteEmptySrcDirs?: boolean;
}

type Globals = { verbose?: boolean; quiet?: boolean };

/** move, copyto and moveto run in this process: their per-file deletes and exact names are not in the workers' plan. */
function refuseQueue(name: string, flags: TransferFlags): void {
  if (flags.queue || flags.wait) throw new UsageError(`${name} runs in this process only; --queue is not supported for it (use copy --queue, then delete)`);
}

const FILTER_FLAGS: readonly (keyof FilterFlags)[] = ['include', 'exclude', 'minSize', 'maxSize', 'minAge', 'maxAge', 'filterFrom', 'fromReport'];

/** Any filter flag means file by file: a whole-folder move would ignore it. */
function filtered(flags: TransferFlags): boolean {
  return FILTER_FLAGS.some((key) => {
    const value = flags[key];
    return Array.isArray(value) ? value.length > 0 : value !== undefined;
  });
}

async function exists(provider: Provider, path: string): Promise<boolean> {
  try {
    await provider.stat(path);
    return true;
  } catch (err) {
    if (err instanceof NotFound) return false;
    throw err;
  }
}

/**
 * Within one configured remote a free target is reached by the service's own move (115 files/move,
 * Aliyun's move, a rename on disk): no byte moves. Returns whether it did so.
 */
async function serverSideMove(sourceArg: string, destArg: string, source: Location, target: Location, flags: MoveFlags, exact: boolean): Promise<boolean> {
  const from = parseRemotePath(sourceArg);
  const to = parseRemotePath(destArg);
  const oneRemote = from.remote !== undefined && !('inline' in from && from.inline) && from.remote === to.remote;
  const provider = source.provider;
  if (!oneRemote || !can(provider, 'move') || filtered(flags)) return false;
  const root = await source.provider.stat(source.path);
  const dstPath = exact || root.isDir ? target.path : joinPath(target.path, root.name);
  if (dstPath === source.path || (await exists(source.provider, dstPath))) return false;
  await refuseOverlap(source, target);
  if (flags.dryRun) {
    process.stdout.write(`would move ${source.display} to ${target.provider.remote}:${dstPath} on the server\n`);
    return true;
  }
  if (can(provider, 'mkdirp')) await provider.mkdirp(parentPath(dstPath));
  await provider.move(source.path, dstPath);
  if (flags.json) process.stdout.write(JSON.stringify({ serverSide: true, from: source.display, to: `${target.provider.remote}:${dstPath}` }) + '\n');
  else process.stderr.write(`Moved ${source.display} to ${target.provider.remote}:${dstPath} on the server\n`);
  return true;
}

type Remove = NonNullable<Provider['remove']>;

/** Removes the folders below `dir` that hold nothing once their own empty folders are gone; `dir` stays. */
async function removeEmptyFolders(provider: Provider, remove: Remove, dir: string): Promise<number> {
  let removed = 0;
  // Listed whole first: removing while a service pages the same folder can skip entries.
  const folders: Entry[] = [];
  for await (const e of provider.list(dir)) if (e.isDir) folders.push(e);
  for (const e of folders) {
    const path = joinPath(dir, e.name);
    removed += await removeEmptyFolders(provider, remove, path);
    const left = provider.list(path)[Symbol.asyncIterator]();
    if ((await left.next()).done) {
      await remove(path, e.id);
      removed++;
    }
  }
  return removed;
}

async function runMove(name: string, sourceArg: string, destArg: string, flags: MoveFlags, globals: Globals, exact: boolean): Promise<void> {
  refuseQueue(name, flags);
  const [sourcePath, destPath] = (await withPathLinks([sourceArg, destArg], flags.account, destArg)) as [string, string];
  const ctx = await loadContext();
  const source = locateItem(ctx, sourcePath);
  const target = ctx.locate(destPath);
  const remove = requireAbility(source, 'remove');
  if (await serverSideMove(sourcePath, destPath, source, target, flags, exact)) return;
  const summary = await runTransferCommand('copy', sourcePath, destPath, flags, globals, printSummary, {
    name,
    removeSource: true,
    ...(exact ? { exactTarget: true } : {}),
  });
  if (summary.failed > 0) {
    process.exitCode = 1;
    return;
  }
  if (flags.deleteEmptySrcDirs && !flags.dryRun && (await source.provider.stat(source.path)).isDir) {
    const removed = await removeEmptyFolders(source.provider, remove, source.path);
    if (!flags.json) process.stderr.write(`Removed ${removed} empty source folder(s)\n`);
  }
}

export function addMoveCommand(program: Command): void {
  const cmd = program
    .command('move <source> <dest>')
    .description('Move files from source to dest: each source file is deleted once its copy is verified on dest');
  addTransferOptions(cmd);
  cmd
    .option('--delete-empty-src-dirs', 'after a run without errors, remove the source folders left empty')
    .option('--account <remote>', accountHelp('source', true))
    .addHelpText(
      'after',
      `
A source file goes only after dest lists a file of its size and, where both sides know one, its
SHA-1; a file already on dest counts as moved. Within one remote, a dest that does not exist yet is
reached by the service's own move (115, Aliyun, a rename on disk): nothing is copied. Runs in this
process (no --queue).`,
    )
    .action(async (source: string, dest: string, flags: MoveFlags, command: Command) => {
      await runMove('move', source, dest, flags, command.optsWithGlobals<Globals>(), false);
    });
}

export function addCopytoMovetoCommands(program: Command): void {
  for (const name of ['copyto', 'moveto'] as const) {
    const cmd = program
      .command(`${name} <source-file> <dest-file>`)
      .description(
        name === 'copyto'
          ? 'Copy one file to exactly dest-file (a new name), not into a folder'
          : 'Move one file to exactly dest-file (a new name): deleted from source once its copy is verified',
      );
    addTransferOptions(cmd);
    cmd.option('--account <remote>', accountHelp('source', true));
    cmd.action(async (source: string, dest: string, flags: MoveFlags, command: Command) => {
      const globals = command.optsWithGlobals<Globals>();
      if (name === 'moveto') {
        await runMove('moveto', source, dest, flags, globals, true);
        return;
      }
      refuseQueue(name, flags);
      const [src, dst] = (await withPathLinks([source, dest], flags.account, dest)) as [string, string];
      const summary = await runTransferCommand('copy', src, dst, flags, globals, printSummary, { name, exactTarget: true });
      if (summary.failed > 0) process.exitCode = 1;
    });
  }
}
