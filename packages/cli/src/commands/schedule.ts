import type { Command } from 'commander';
import { describeDeleteLimit } from '@ferry/core';
import { addSchedule, listSchedules, portablePath, removeSchedule } from '@ferry/worker';
import { type DeleteLimitFlags, addDeleteLimitOptions, deleteLimitFrom } from '../delete-limit-flags.js';
import { loadContext } from '../context.js';
import { formatTime } from '../format.js';
import { UsageError } from '../output.js';
import { type QueueFlags, addQueueOptions, withQueues } from '../queue-options.js';

export function addScheduleCommands(program: Command): void {
  const schedule = program.command('schedule').description('Cron transfers run by the workers: add, list, rm');

  addQueueOptions(
    addDeleteLimitOptions(
      schedule
        .command('add <name> <mode> <source> <dest>')
        .description('Add or replace a schedule: MODE is sync or copy; runs one at a time, never overlapping')
        .requiredOption('--cron <expr>', 'when to run, as a cron expression ("0 */6 * * *": every six hours)')
        .option('--delete', 'sync: delete files on dest that source does not have (never after an error)'),
    ),
  ).action(async (name: string, mode: string, source: string, dest: string, flags: QueueFlags & DeleteLimitFlags & { cron: string }) => {
    if (mode !== 'sync' && mode !== 'copy') throw new UsageError(`schedule MODE is sync or copy, got '${mode}'`);
    if (flags.delete && mode !== 'sync') throw new UsageError('--delete goes with sync only');
    const maxDelete = deleteLimitFrom(flags);
    const ctx = await loadContext();
    ctx.locate(source);
    ctx.locate(dest);
    const spec = {
      mode,
      source: portablePath(source),
      target: portablePath(dest),
      deleteExtraneous: !!flags.delete,
      ...(maxDelete ? { maxDelete } : {}),
      compare: 'default' as const,
      onConflict: 'overwrite' as const,
      include: [],
      exclude: [],
      retries: 3,
    };
    const info = await withQueues(flags, (q) => addSchedule(q, name, flags.cron, spec));
    process.stderr.write(`Schedule ${info.name}: ${info.cron}, next run ${formatTime(info.next)}\n`);
  });

  addQueueOptions(schedule.command('list').description('Schedules with their cron and next run')).action(async (flags: QueueFlags) => {
    const rows = await withQueues(flags, (q) => listSchedules(q));
    for (const s of rows) {
      const limit = s.spec?.maxDelete ? ` ${describeDeleteLimit(s.spec.maxDelete)}` : '';
      const what = s.spec ? `${s.spec.mode} ${s.spec.source} -> ${s.spec.target}${s.spec.deleteExtraneous ? ' --delete' : ''}${limit}` : '?';
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
