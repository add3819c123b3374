import { BadInput, type Entry, type FerryConfig, type Location, type PathLinks, linkAccountFor, linksClaiming, listPathLinks } from '@ferry/core';
import { loadContext } from './context.js';
import { UsageError } from './output.js';

/** core's linkAccountFor, its refusals as usage errors (exit 2). */
function accountFor(links: PathLinks, flag: string | undefined, config: FerryConfig, dest?: string): string | undefined {
  try {
    return linkAccountFor(links, flag, config, dest);
  } catch (err) {
    if (err instanceof BadInput) throw new UsageError(err.message);
    throw err;
  }
}

/** An `--account` that can serve no provider's links is refused even when no link is given. */
function checkAccount(flag: string, config: FerryConfig): void {
  const declared = listPathLinks().map(({ links }) => links);
  if (declared.some((links) => config.remotes[flag]?.type === links.account.type)) return;
  for (const links of declared) accountFor(links, flag, config);
}

/**
 * Path arguments with each link a provider opens (a 115 share's web address, say) turned into the
 * location it declares, an inline remote which every command resolves like a remote path and job
 * data carries as text: the account is named, its credentials never copied. `dest` is the account
 * preferred when it is one.
 */
export function linksAsPaths(args: string[], config: FerryConfig, account: string | undefined, dest?: string): string[] {
  if (account !== undefined) checkAccount(account, config);
  return args.map((arg) => {
    const links = linksClaiming(arg);
    return links ? links.locationOf(arg, () => accountFor(links, account, config, dest)) : arg;
  });
}

/** One path argument of a reading command (a link taken as what it opens), located and looked up. */
export async function locatePathArg(arg: string, account: string | undefined): Promise<{ loc: Location; root: Entry }> {
  const ctx = await loadContext();
  const [path] = linksAsPaths([arg], ctx.config, account);
  const loc = ctx.locate(path!);
  return { loc, root: await loc.provider.stat(loc.path) };
}

/** linksAsPaths for a command that has not loaded the config yet. */
export async function withPathLinks(args: string[], account: string | undefined, dest?: string): Promise<string[]> {
  return linksAsPaths(args, (await loadContext()).config, account, dest);
}

/**
 * The `--account` help of a command taking paths, from the declared links: whose login reads a
 * link given as `role` ("source", "the path"), and which remote serves when none is named.
 */
export function accountHelp(role: string, destAccount: boolean): string {
  return listPathLinks()
    .map(({ links: { noun, account } }) => {
      const fallback = destAccount ? `a ${account.type} dest, else the only ${account.type} remote configured` : `the only ${account.type} remote configured`;
      return `the ${account.type} remote whose login reads ${noun} given as ${role} (default: ${fallback})`;
    })
    .join('; ');
}

/** How links read where a path is expected, for help texts: one clause per declaring provider. */
export function pathLinksHelp(): string {
  return listPathLinks()
    .map(({ links }) => links.help)
    .join('; ');
}
