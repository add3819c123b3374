import { type Location, errorMessage, linkAccountFor } from '@ferry/core';
import { shareProblemOf } from '../p115/share-errors.js';
import { shareLinks } from './links.js';

/**
 * The 115 account whose login reads a share link: `flag` (`--account`), else a p115 destination,
 * else the only p115 remote in the config. None at all still lists shares anonymously and lets a
 * 115 destination receive them.
 */
export function shareAccountFor(flag: string | undefined, config: Parameters<typeof linkAccountFor>[2], dest?: string): string | undefined {
  return linkAccountFor(shareLinks, flag, config, dest);
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
