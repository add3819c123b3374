import { BadInput, type CommandCall, type ProviderCommand, UsageError, formatBytes, parseRemotePath } from '@ferry/core';
import { offlineAdd, offlineFailureText, offlineList, offlineRemove, offlineStatusText } from '../offline.js';
import { P115Provider } from '../provider.js';

/** The 115 provider behind "REMOTE" or "REMOTE:/path". */
function p115Remote(call: CommandCall, arg: string): { provider: P115Provider; path: string } {
  const parsed = parseRemotePath(arg.includes(':') ? arg : `${arg}:`);
  if (parsed.remote === undefined) throw new UsageError(`expected a 115 remote, got '${arg}'`);
  const loc = call.locate(`${parsed.remote}:${parsed.path}`);
  if (!(loc.provider instanceof P115Provider)) throw new BadInput(`offline download needs a 115 remote; '${parsed.remote}' is '${loc.provider.type}'`);
  return { provider: loc.provider, path: loc.path };
}

const add: ProviderCommand = {
  name: 'add',
  args: '<args...>',
  description: 'Add download tasks: ferry offline add URL... REMOTE:/dir (a missing folder is created)',
  async run(call) {
    const args = call.args[0] as readonly string[];
    if (args.length < 2) throw new UsageError('usage: ferry offline add URL... REMOTE:/dir');
    const { provider, path } = p115Remote(call, args[args.length - 1]!);
    try {
      const results = await offlineAdd(provider, args.slice(0, -1), path);
      for (const r of results) {
        if (r.ok) await call.out(`added  ${r.infoHash ?? '-'}  ${r.url}`);
        else await call.out(`refused  ${r.infoHash ?? '-'}  ${r.url}: ${r.reason}`);
      }
      return results.some((r) => !r.ok) ? 1 : 0;
    } finally {
      await provider.close();
    }
  },
};

const list: ProviderCommand = {
  name: 'list',
  aliases: ['ls'],
  args: '<remote>',
  description: 'List the offline download tasks of a 115 remote',
  async run(call) {
    const { provider } = p115Remote(call, call.args[0] as string);
    try {
      const { tasks, quotaLeft, quotaTotal } = await offlineList(provider);
      for (const t of tasks) {
        const failure = offlineFailureText(t);
        await call.out(`${offlineStatusText(t.status).padEnd(8)} ${`${t.percentDone}%`.padStart(4)} ${formatBytes(t.size).padStart(10)}  ${t.info_hash}  ${t.name}${failure ? `: ${failure}` : ''}`);
      }
      call.note(`${tasks.length} task(s); quota ${quotaLeft} of ${quotaTotal} left`);
    } finally {
      await provider.close();
    }
  },
};

const remove: ProviderCommand = {
  name: 'rm',
  args: '<remote> <hashes...>',
  description: 'Delete offline download tasks by info hash',
  flags: [{ flag: '--delete-files', description: 'also move the files they downloaded to the recycle bin' }],
  async run(call) {
    const { provider } = p115Remote(call, call.args[0] as string);
    const hashes = call.args[1] as readonly string[];
    try {
      await offlineRemove(provider, hashes, !!call.flags['delete-files']);
      call.note(`Deleted ${hashes.length} task(s)`);
    } finally {
      await provider.close();
    }
  },
};

/** `ferry offline add|list|rm`: 115's offline download (云下载). */
export const offlineCommand: ProviderCommand = {
  name: 'offline',
  description: '115 offline download (云下载): the cloud fetches URLs for you',
  subcommands: [add, list, remove],
};
