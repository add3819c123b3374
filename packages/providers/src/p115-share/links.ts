import { BadInput, type PathLinks, normalizePath } from '@ferry/core';
import { isWebAddress, parseShareLink } from '@ferry/protocols';

const REMOTE_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * The inline remote for a share link, `:p115-share,share_code=…,receive_code=…[,account=…]:/path`,
 * which a command resolves like any location and job data carries as plain text. `link` is any
 * form parseShareLink reads; `account` names the p115 remote that downloads need.
 */
export function shareLocationArg(link: string, account?: string, path = '/'): string {
  const share = parseShareLink(link);
  if (!share) {
    throw new BadInput(`not a 115 share link: ${JSON.stringify(link)} (expected https://115cdn.com/s/<code>?password=<access code>, or <code>-<access code>)`);
  }
  if (account !== undefined && account !== '' && !REMOTE_NAME_RE.test(account)) {
    throw new BadInput(`account ${JSON.stringify(account)} is not a remote name`);
  }
  const options = [`share_code=${share.share_code}`];
  if (share.receive_code) options.push(`receive_code=${share.receive_code}`);
  if (account) options.push(`account=${account}`);
  return `:p115-share,${options.join(',')}:${normalizePath(path)}`;
}

/**
 * 115 share links written where a command takes a path: the share's root, read with a p115
 * remote's login. Only the web-address forms count: a bare `CODE-RC` is indistinguishable from a
 * local file name (import-share takes every form).
 */
export const shareLinks: PathLinks = {
  noun: 'a 115 share link',
  help: "a 115 share link (https://115.com/s/<code>?password=<access code>) is the share's root",
  claims: isWebAddress,
  locationOf: (arg, account) => shareLocationArg(arg, account()),
  account: { type: 'p115', noun: '115 account' },
};
