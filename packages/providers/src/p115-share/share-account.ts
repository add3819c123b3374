import { BadInput, type FerryConfig, type Location, errorMessage, parseRemotePath } from '@ferry/core';
import { shareProblemOf } from '../p115/share-errors.js';

/**
 * The 115 account whose login reads a share link: `flag` (`--account`), else a p115 destination,
 * else the only p115 remote in the config. None at all still lists shares anonymously and lets a
 * 115 destination receive them. The CLI and `ferry serve` choose alike.
 */
export function shareAccountFor(flag: string | undefined, config: FerryConfig, dest?: string): string | undefined {
  if (flag !== undefined) {
    const remote = config.remotes[flag];
    if (!remote) throw new BadInput(`--account: unknown remote '${flag}' (add one with \`ferry remote add ${flag} p115\` and \`ferry login 115 ${flag}\`)`);
    if (remote.type !== 'p115') throw new BadInput(`--account: remote '${flag}' is ${remote.type}, not a 115 account (p115)`);
    return flag;
  }
  const destRemote = dest === undefined ? undefined : parseRemotePath(dest).remote;
  if (destRemote !== undefined && config.remotes[destRemote]?.type === 'p115') return destRemote;
  const accounts = Object.entries(config.remotes).filter(([, r]) => r.type === 'p115').map(([name]) => name);
  if (accounts.length > 1) throw new BadInput(`several 115 accounts are configured (${accounts.join(', ')}): choose one with --account`);
  return accounts[0];
}

/** Why the service will not give a share (expired, cancelled, wrong code...), or undefined when it is readable. */
export async function shareLinkProblem(loc: Location): Promise<{ reason: string; error: string } | undefined> {
  try {
    await loc.provider.stat(loc.path);
    return undefined;
  } catch (err) {
    return { reason: shareProblemOf(err) ?? 'error', error: errorMessage(err).split('\n')[0]! };
  } finally {
    await loc.provider.close?.();
  }
}
