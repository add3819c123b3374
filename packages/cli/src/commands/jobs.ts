import type { Command } from 'commander';
import { describeDeleteLimit } from '@ferry/core';
import { type TransferInfo, cancelTransfer, listTransfers, retryTransfer, showTransfer } from '@ferry/worker';
import { formatBytes, formatTime } from '../format.js';
import { writeOut } from '../output-pipe.js';
import { type QueueFlags, addQueueOptions, withQueues } from '../queue-options.js';

function filesColumn(t: TransferInfo): string {
  if (t.summary) return `${t.summary.copied + t.summary.rapid}/${t.summary.plannedFiles} copied, ${t.summary.failed} failed`;
  if (t.files) return `${t.files.done}/${t.files.planned} done, ${t.files.failed} failed`;
  return '-';
}

function route(t: TransferInfo): string {
  if (!t.spec) return '?';
  const limit = t.spec.maxDelete ? ` ${describeDeleteLimit(t.spec.maxDelete)}` : '';
  return `${t.spec.mode} ${t.spec.source} -> ${t.spec.target}${t.spec.deleteExtraneous ? ' --delete' : ''}${limit}`;
}

export function addJobsCommand(program: Command): void {
  const jobs = program.command('jobs').description('Queued transfers: list, show, retry, cancel');

  addQueueOptions(jobs.command('list', { isDefault: true }).description('Recent transfers with their states and file counts'))
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'one JSON line per transfer')
    .action(async (flags: QueueFlags & { limit: string; json?: boolean }) => {
      const rows = await withQueues(flags, (q) => listTransfers(q, Math.max(1, Number(flags.limit) || 50)));
      for (const t of rows) {
        const line = flags.json ? JSON.stringify(t) : `${t.id}  ${t.state.padEnd(16)} ${formatTime(t.createdAt)}  ${filesColumn(t).padEnd(28)} ${route(t)}`;
        await writeOut(line + '\n');
      }
    });

  addQueueOptions(jobs.command('show <id>').description('One transfer: state, progress, summary and failed files with reasons'))
    .option('--json', 'as one JSON object')
    .action(async (id: string, flags: QueueFlags & { json?: boolean }) => {
      const { info, failures } = await withQueues(flags, (q) => showTransfer(q, id));
      if (flags.json) {
        process.stdout.write(JSON.stringify({ ...info, failures }) + '\n');
        return;
      }
      const lines = [`Transfer ${info.id}: ${info.state}`, `  ${route(info)}`, `  created ${formatTime(info.createdAt)}`];
      if (info.schedule) lines.push(`  schedule ${info.schedule}`);
      if (info.finishedAt) lines.push(`  finished ${formatTime(info.finishedAt)}`);
      if (info.files) lines.push(`  files: ${info.files.done} done, ${info.files.waiting} waiting or running, ${info.files.failed} failed, ${info.files.planned} planned so far`);
      const s = info.summary;
      if (s) {
        lines.push(`  files: ${s.copied} copied, ${s.rapid} rapid, ${s.skipped} skipped, ${s.failed} failed, ${s.deleted} deleted; ${formatBytes(s.bytes)} sent`);
        if (s.renamedDuplicates) lines.push(`  renamed: ${s.renamedDuplicates} file(s) whose source folder holds another file of their name`);
        if (s.reason) lines.push(`  ${s.reason}`);
        if (s.deletesPending) lines.push(`  not deleted: ${s.deletesPending} extraneous file(s), because of errors in this run`);
        if (s.deletesHeld) lines.push(`  held back: ${s.deletesHeld} deletion(s), nothing deleted: ${s.deletesHeldReason}`);
      }
      if (info.failedReason) lines.push(`  failed: ${info.failedReason}`);
      for (const f of failures) lines.push(`  failed: ${f.rel} (after ${f.attempts} attempt(s)): ${f.reason}`);
      process.stdout.write(lines.join('\n') + '\n');
    });

  addQueueOptions(jobs.command('retry <id>').description('Run a finished transfer again (only failed or changed files are copied)')).action(
    async (id: string, flags: QueueFlags) => {
      const submitted = await withQueues(flags, (q) => retryTransfer(q, id));
      process.stdout.write(`${submitted.id}\n`);
    },
  );

  addQueueOptions(jobs.command('cancel <id>').description('Remove a transfer and its files not yet started')).action(
    async (id: string, flags: QueueFlags) => {
      await withQueues(flags, (q) => cancelTransfer(q, id));
      process.stderr.write(`Cancelled ${id}; files already being copied finish first\n`);
    },
  );
}
