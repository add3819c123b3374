import type { Command } from 'commander';
import { type Entry, PathFilter, errorMessage } from '@ferry/core';
import { loadContext } from '../context.js';
import { type FilterFlags, addFilterOptions, filterRulesOf } from '../transfer-flags.js';
import { formatBytes } from '../format.js';
import { CountProgress } from '../count-progress.js';
import { locateItem } from '../item-location.js';
import { progressIntervalMs } from '../progress.js';
import { requireAbility } from '../provider-abilities.js';
import { walkSorted } from '../tree-walk.js';

interface DeleteFlags extends FilterFlags {
  dryRun?: boolean;
  json?: boolean;
  progress?: boolean;
  progressInterval?: string;
}

interface DeleteSummary {
  dryRun: boolean;
  deleted: number;
  bytes: number;
  failed: number;
  errors: { rel: string; message: string }[];
}

const RECYCLE_NOTE = 'On 115 and Aliyun Drive deleted items go to the recycle bin, as their own apps do.';

function report(s: DeleteSummary, json: boolean, what: string): void {
  if (json) {
    process.stdout.write(JSON.stringify(s) + '\n');
    return;
  }
  const lines = [`${s.dryRun ? 'Dry run: would delete' : 'Deleted:'} ${s.deleted} ${what}, ${formatBytes(s.bytes)}${s.dryRun ? '; nothing was changed' : ''}`];
  if (s.failed) lines.push(`Failed: ${s.failed}`);
  for (const e of s.errors.slice(0, 20)) lines.push(`  failed: ${e.rel}: ${e.message}`);
  process.stderr.write(lines.join('\n') + '\n');
  if (s.failed) process.exitCode = 1;
}

export function addDeleteCommand(program: Command): void {
  const cmd = program
    .command('delete <path>')
    .description('Delete the files under path (or the file path), keeping the folders; --include/--exclude choose which')
    .option('-n, --dry-run', 'list what would be deleted and change nothing')
    .option('--json', 'print the summary as one JSON line on stdout')
    .option('--no-progress', 'no progress lines')
    .option('--progress-interval <seconds>', 'seconds between progress lines (default 5)');
  addFilterOptions(cmd)
    .addHelpText('after', `\n${RECYCLE_NOTE}`)
    .action(async (arg: string, flags: DeleteFlags, command: Command) => {
      const globals = command.optsWithGlobals<{ verbose?: boolean; quiet?: boolean }>();
      const verbose = !!globals.verbose;
      const intervalMs = progressIntervalMs(flags.progressInterval);
      const loc = locateItem(await loadContext(), arg);
      const remove = requireAbility(loc, 'remove');
      const filter = new PathFilter(filterRulesOf(flags));
      const summary: DeleteSummary = { dryRun: !!flags.dryRun, deleted: 0, bytes: 0, failed: 0, errors: [] };
      const root = await loc.provider.stat(loc.path);
      // Listed before anything goes: removing while a service pages the same folder can skip entries.
      const files: [Entry, string][] = [];
      if (!root.isDir) files.push([root, root.name]);
      else for await (const [e, rel] of walkSorted(loc.provider, loc.path, '', true)) if (!e.isDir && filter.includesFile(rel, e)) files.push([e, rel]);
      const quiet = !!globals.quiet || flags.progress === false || !!flags.json || !!flags.dryRun;
      const progress = new CountProgress(quiet, intervalMs, () => `Deleted ${summary.deleted}/${files.length} file(s), ${summary.failed} failed`);
      try {
        for (const [e, rel] of files) await deleteOne(e, rel);
      } finally {
        progress.stop();
      }
      report(summary, !!flags.json, 'file(s)');

      async function deleteOne(e: Entry, rel: string): Promise<void> {
        if (flags.dryRun) process.stdout.write(`would delete ${rel}\n`);
        else {
          try {
            await remove(e.path, e.id);
          } catch (err) {
            summary.failed++;
            summary.errors.push({ rel, message: errorMessage(err) });
            return;
          }
          if (verbose) process.stderr.write(`deleted: ${rel}\n`);
        }
        summary.deleted++;
        summary.bytes += e.size;
      }
    });
}

export function addPurgeCommand(program: Command): void {
  program
    .command('purge <path>')
    .description('Delete path and everything under it (filters do not apply)')
    .option('-n, --dry-run', 'say what would be deleted and change nothing')
    .option('--json', 'print the summary as one JSON line on stdout')
    .addHelpText('after', `\nA remote's root is refused. ${RECYCLE_NOTE}`)
    .action(async (arg: string, flags: { dryRun?: boolean; json?: boolean }) => {
      const loc = locateItem(await loadContext(), arg);
      const remove = requireAbility(loc, 'remove');
      const root = await loc.provider.stat(loc.path);
      const summary: DeleteSummary = { dryRun: !!flags.dryRun, deleted: 0, bytes: 0, failed: 0, errors: [] };
      if (root.isDir) {
        for await (const [e] of walkSorted(loc.provider, loc.path, '', true)) {
          if (e.isDir) continue;
          summary.deleted++;
          summary.bytes += e.size;
        }
      } else {
        summary.deleted = 1;
        summary.bytes = root.size;
      }
      if (flags.dryRun) process.stdout.write(`would delete ${loc.display}${root.isDir ? '/' : ''}\n`);
      else await remove(loc.path, root.id);
      report(summary, !!flags.json, `file(s)${root.isDir ? ' and their folder' : ''}`);
    });
}
