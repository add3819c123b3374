import type { Command } from 'commander';
import { describeDeleteLimit } from '@ferry/core';
import { type TransferSpec, addSchedule, listSchedules, portablePath, removeSchedule } from '@ferry/worker';
import { type DeleteLimitFlags, addDeleteLimitOptions, deleteLimitFrom } from '../delete-limit-flags.js';
import { loadContext } from '../context.js';
import { formatTime } from '../format.js';
import { UsageError } from '../output.js';
import { type QueueFlags, addQueueOptions, withQueues } from '../queue-options.js';
import { type TransferSettingFlags, transferSettings } from '../transfer-settings.js';
import { type FilterFlags, type SendingFlags, addFilterOptions, addSendingOptions, filterRulesOf, sendingOf } from '../transfer-flags.js';

type ScheduleFlags = QueueFlags & TransferSettingFlags & FilterFlags & SendingFlags & { cron: string };

export function addScheduleCommands(program: Command): void {
  const schedule = program.command('schedule').description('Cron transfers run by the workers: add, list, rm');

  const add = schedule
    .command('add <name> <mode> <source> <dest>')
    .description('Add or replace a schedule: MODE is sync or copy; runs one at a time, never overlapping')
    .requiredOption('--cron <expr>', 'when to run, as a cron expression ("0 */6 * * *": every six hours)')
    .option('--delete', 'sync: delete files on dest that source does not have (never after an error)');
  addDeleteLimitOptions(add)
    .option('--retries <n>', 'extra attempts for a file that failed with a temporary error (default: defaults.retries, else 3)')
    .option('--checksum', 'decide "already there" by SHA-1 (hashing files whose listing has none)')
    .option('--size-only', 'decide "already there" by size alone')
    .option('--on-conflict <policy>', 'a different file under the same name on dest: overwrite, skip (keep it), or rename', 'overwrite');
  addFilterOptions(add);
  addSendingOptions(add);
  add.addHelpText(
    'after',
    `
Every flag is checked now, not when the schedule fires; --filter-from and --from-report files are
read now and their rules kept with the schedule. Ages (--min-age, --max-age) count from each run.`,
  );
  addQueueOptions(add).action(async (name: string, mode: string, source: string, dest: string, flags: ScheduleFlags & DeleteLimitFlags) => {
    if (mode !== 'sync' && mode !== 'copy') throw new UsageError(`schedule MODE is sync or copy, got '${mode}'`);
    if (flags.delete && mode !== 'sync') throw new UsageError('--delete goes with sync only');
    const maxDelete = deleteLimitFrom(flags);
    const ctx = await loadContext();
    const { retries, compare, onConflict } = transferSettings(flags, ctx.config.defaults);
    const rules = filterRulesOf(flags);
    ctx.locate(source);
    const sending = sendingOf(flags, ctx.locate(dest));
    const spec = {
      ...rules,
      ...sending,
      mode,
      source: portablePath(source),
      target: portablePath(dest),
      deleteExtraneous: !!flags.delete,
      compare,
      onConflict,
      retries,
      ...(maxDelete ? { maxDelete } : {}),
    };
    const info = await withQueues(flags, (q) => addSchedule(q, name, flags.cron, spec));
    process.stderr.write(`Schedule ${info.name}: ${info.cron}, next run ${formatTime(info.next)}\n`);
  });

  addQueueOptions(schedule.command('list').description('Schedules with their cron and next run')).action(async (flags: QueueFlags) => {
    const rows = await withQueues(flags, (q) => listSchedules(q));
    for (const s of rows) {
      const what = s.spec ? `${s.spec.mode} ${s.spec.source} -> ${s.spec.target}${specFlags(s.spec)}` : '?';
      process.stdout.write(`${s.name}  "${s.cron}"  next ${formatTime(s.next)}  ${what}\n`);
    }
  });

  addQueueOptions(schedule.command('rm <name>').description('Remove a schedule (a run under way finishes)')).action(
    async (name: string, flags: QueueFlags) => {
      const removed = await withQueues(flags, (q) => removeSchedule(q, name));
      if (!removed) throw new UsageError(`no schedule '${name}' (see \`ferry schedule list\`)`);
    },
  );
}

/** A schedule's settings that differ from the defaults, written back as flags for `schedule list`. */
function specFlags(spec: TransferSpec): string {
  const flags: string[] = [];
  if (spec.deleteExtraneous) flags.push('--delete');
  if (spec.maxDelete) flags.push(describeDeleteLimit(spec.maxDelete));
  if (spec.compare !== 'default') flags.push(`--${spec.compare}`);
  if (spec.onConflict !== 'overwrite') flags.push(`--on-conflict ${spec.onConflict}`);
  for (const g of spec.include) flags.push(`--include ${g}`);
  for (const g of spec.exclude) flags.push(`--exclude ${g}`);
  if (spec.rules.length) flags.push(`(${spec.rules.length} filter rule(s))`);
  if (spec.only) flags.push(`(${spec.only.length} path(s) from a report)`);
  for (const key of ['minSize', 'maxSize', 'minAge', 'maxAge'] as const) {
    if (spec[key] !== undefined) flags.push(`--${key.replace(/[A-Z]/, (c) => `-${c.toLowerCase()}`)} ${spec[key]}${key.endsWith('Size') ? 'B' : 'ms'}`);
  }
  if (spec.rapidOnly) flags.push('--rapid-only');
  if (spec.bwlimit !== undefined) flags.push(`--bwlimit "${spec.bwlimit}"`);
  return flags.length ? ` ${flags.join(' ')}` : '';
}
