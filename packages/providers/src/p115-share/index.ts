import { BadInput, type Provider, normalizePath, registerProvider } from '@ferry/core';
import { isWebAddress, parseShareLink } from '@ferry/protocols';
import { type P115ShareOptions, p115ShareFormerOptions, p115ShareOptions } from './options.js';
import { P115ShareProvider } from './provider.js';

export function registerP115Share(): void {
  registerProvider({
    type: '115share',
    description: 'A 115 share link (分享链接), read-only; a p115 target receives it server-side (转存)',
    options: p115ShareOptions,
    // receive_code is part of the link, not an account credential (see options.ts).
    secrets: [],
    formerOptions: p115ShareFormerOptions,
    create: (remote, options, context) => new P115ShareProvider(remote, options, context),
  });
}

const REMOTE_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * The inline remote for a share link, `:115share,share_code=…,receive_code=…[,account=…]:/path`,
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
  return `:115share,${options.join(',')}:${normalizePath(path)}`;
}

/**
 * A share link written where a command takes a path: the inline remote of the share's root, or
 * undefined when `arg` is not written as a web address (then it is a remote path or a local name).
 * `account` is asked only for a link, so a command without one never needs a 115 account.
 */
export function shareLinkPathArg(arg: string, account: () => string | undefined): string | undefined {
  return isWebAddress(arg) ? shareLocationArg(arg, account()) : undefined;
}

/**
 * The name of the folder a share is imported into: the title its owner gave it (115's
 * `share_title`), made safe as one path component, else the share code.
 */
export async function shareTitle(provider: Provider): Promise<string> {
  if (!(provider instanceof P115ShareProvider)) throw new BadInput(`${provider.remote} is not a 115 share`);
  const title = (await provider.title())
    .replace(/[/\\\0]/g, '_')
    .replace(/\s+/g, ' ')
    .trim();
  return title === '' || title === '.' || title === '..' ? provider.share.share_code : title;
}

export { P115ShareProvider, p115ShareOptions };
export { parseShareLink } from '@ferry/protocols';
export type { ShareLink115 } from '@ferry/protocols';
export { shareLabel } from './provider.js';
export type { P115ShareOptions };
export { shareAccountFor, shareLinkProblem } from './share-account.js';
