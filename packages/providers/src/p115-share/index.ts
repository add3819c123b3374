import { BadInput, type Provider, registerProvider } from '@ferry/core';
import { importShareCommand } from './commands/import-share.js';
import { shareLinks } from './links.js';
import { type P115ShareOptions, p115ShareFormerOptions, p115ShareOptions } from './options.js';
import { P115ShareProvider } from './provider.js';

export function registerP115Share(): void {
  registerProvider({
    type: 'p115-share',
    legacyTypes: ['115share'],
    description: 'A 115 share link (分享链接), read-only; a p115 target receives it server-side (转存)',
    options: p115ShareOptions,
    // receive_code is part of the link, not an account credential (see options.ts).
    secrets: [],
    formerOptions: p115ShareFormerOptions,
    create: (remote, options, context) => new P115ShareProvider(remote, options, context),
    links: shareLinks,
    commands: [importShareCommand],
  });
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
export { shareLocationArg } from './links.js';
