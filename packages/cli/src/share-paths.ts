import { type FerryConfig, parseRemotePath } from '@ferry/core';
import { shareLinkPathArg } from '@ferry/providers';
import { loadContext } from './context.js';
import { UsageError } from './output.js';

/**
 * The 115 account whose login reads a share link: `--account`, else a p115 destination, else the
 * only p115 remote in the config. None at all still lists shares anonymously and lets a 115
 * destination receive them.
 */
export function shareAccount(flag: string | undefined, config: FerryConfig, dest?: string): string | undefined {
  if (flag !== undefined) {
    const remote = config.remotes[flag];
    if (!remote) throw new UsageError(`--account: unknown remote '${flag}' (add one with \`ferry remote add ${flag} p115\` and \`ferry login 115 ${flag}\`)`);
    if (remote.type !== 'p115') throw new UsageError(`--account: remote '${flag}' is ${remote.type}, not a 115 account (p115)`);
    return flag;
  }
  const destRemote = dest === undefined ? undefined : parseRemotePath(dest).remote;
  if (destRemote !== undefined && config.remotes[destRemote]?.type === 'p115') return destRemote;
  const accounts = Object.entries(config.remotes).filter(([, r]) => r.type === 'p115').map(([name]) => name);
  if (accounts.length > 1) throw new UsageError(`several 115 accounts are configured (${accounts.join(', ')}): choose one with --account`);
  return accounts[0];
}

/**
 * Path arguments with each share link (`https://115.com/s/CODE?password=RC` and the other web
 * forms) turned into the inline remote of the share's root, which every command resolves like a
 * remote path and job data carries as text: the account is named, its cookie never copied. The
 * share then uses the account's endpoints and login (an emulator's too). `dest` is the p115 remote
 * preferred as the account; an `--account` that names no p115 remote is refused even without a link.
 */
export function shareLinksAsPaths(args: string[], config: FerryConfig, account: string | undefined, dest?: string): string[] {
  if (account !== undefined) shareAccount(account, config);
  return args.map((arg) => shareLinkPathArg(arg, () => shareAccount(account, config, dest)) ?? arg);
}

/** shareLinksAsPaths for a command that has not loaded the config yet. */
export async function withShareLinks(args: string[], account: string | undefined, dest?: string): Promise<string[]> {
  return shareLinksAsPaths(args, (await loadContext()).config, account, dest);
}
