import type { Command } from 'commander';
import { BadInput, parseRemotePath } from '@ferry/core';
import { P115Provider, offlineAdd, offlineFailureText, offlineList, offlineRemove, offlineStatusText } from '@ferry/providers';
import { loadContext } from '../context.js';
import { formatBytes } from '../format.js';
import { writeOut } from '../output-pipe.js';
import { UsageError } from '../output.js';

/** The 115 provider behind "REMOTE" or "REMOTE:/path". */
async function p115Remote(arg: string): Promise<{ provider: P115Provider; path: string }> {
  const parsed = parseRemotePath(arg.includes(':') ? arg : `${arg}:`);
  if (parsed.remote === undefined) throw new UsageError(`expected a 115 remote, got '${arg}'`);
  const ctx = await loadContext();
  const loc = ctx.locate(`${parsed.remote}:${parsed.path}`);
  if (!(loc.provider instanceof P115Provider)) throw new BadInput(`offline download needs a 115 remote; '${parsed.remote}' is '${loc.provider.type}'`);
  return { provider: loc.provider, path: loc.path };
}

export function addOfflineCommands(program: Command): void {
  const offline = program.command('offline').description('115 offline download (云下载): the cloud fetches URLs for you');

  offline
    .command('add <args...>')
    .description('Add download tasks: ferry offline add URL... REMOTE:/dir (a missing folder is created)')
    .action(async (args: string[]) => {
      if (args.length < 2) throw new UsageError('usage: ferry offline add URL... REMOTE:/dir');
      const target = args[args.length - 1]!;
      const { provider, path } = await p115Remote(target);
      try {
        const results = await offlineAdd(provider, args.slice(0, -1), path);
        for (const r of results) {
          if (r.ok) process.stdout.write(`added  ${r.infoHash ?? '-'}  ${r.url}\n`);
          else process.stdout.write(`refused  ${r.infoHash ?? '-'}  ${r.url}: ${r.reason}\n`);
        }
        if (results.some((r) => !r.ok)) process.exitCode = 1;
      } finally {
        await provider.close();
      }
    });

  offline
    .command('list <remote>')
    .alias('ls')
    .description('List the offline download tasks of a 115 remote')
    .action(async (remote: string) => {
      const { provider } = await p115Remote(remote);
      try {
        const { tasks, quotaLeft, quotaTotal } = await offlineList(provider);
        for (const t of tasks) {
          const failure = offlineFailureText(t);
          await writeOut(`${offlineStatusText(t.status).padEnd(8)} ${`${t.percentDone}%`.padStart(4)} ${formatBytes(t.size).padStart(10)}  ${t.info_hash}  ${t.name}${failure ? `: ${failure}` : ''}\n`);
        }
        process.stderr.write(`${tasks.length} task(s); quota ${quotaLeft} of ${quotaTotal} left\n`);
      } finally {
        await provider.close();
      }
    });

  offline
    .command('rm <remote> <hashes...>')
    .description('Delete offline download tasks by info hash')
    .option('--delete-files', 'also move the files they downloaded to the recycle bin')
    .action(async (remote: string, hashes: string[], flags: { deleteFiles?: boolean }) => {
      const { provider } = await p115Remote(remote);
      try {
        await offlineRemove(provider, hashes, !!flags.deleteFiles);
        process.stderr.write(`Deleted ${hashes.length} task(s)\n`);
      } finally {
        await provider.close();
      }
    });
}
