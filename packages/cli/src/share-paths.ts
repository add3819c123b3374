import { BadInput, type Entry, type FerryConfig, type Location } from '@ferry/core';
import { shareAccountFor, shareLinkPathArg } from '@ferry/providers';
import { loadContext } from './context.js';
import { UsageError } from './output.js';

/** providers' shareAccountFor, its refusals as usage errors (exit 2). */
export function shareAccount(flag: string | undefined, config: FerryConfig, dest?: string): string | undefined {
  try {
    return shareAccountFor(flag, config, dest);
  } catch (err) {
    if (err instanceof BadInput) throw new UsageError(err.message);
    throw err;
  }
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

/** One path argument of a reading command (a share link taken as its share's root), located and looked up. */
export async function locatePathArg(arg: string, account: string | undefined): Promise<{ loc: Location; root: Entry }> {
  const ctx = await loadContext();
  const [path] = shareLinksAsPaths([arg], ctx.config, account);
  const loc = ctx.locate(path!);
  return { loc, root: await loc.provider.stat(loc.path) };
}

/** shareLinksAsPaths for a command that has not loaded the config yet. */
export async function withShareLinks(args: string[], account: string | undefined, dest?: string): Promise<string[]> {
  return shareLinksAsPaths(args, (await loadContext()).config, account, dest);
}
