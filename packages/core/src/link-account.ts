import { BadInput } from './errors.js';
import { parseRemotePath } from './location.js';
import type { PathLinks } from './provider-commands.js';
import { findProviderFactory, listPathLinks } from './registry.js';

/** The declared links `arg` is written as, or undefined for a remote path or a local name. */
export function linksClaiming(arg: string): PathLinks | undefined {
  return listPathLinks().find(({ links }) => links.claims(arg))?.links;
}

/**
 * The remote whose login opens `links`: `flag` (`--account`), else `dest` when it is such an
 * account, else the only one configured. None at all is undefined: the links may still open
 * without a login. The CLI and `ferry serve` choose alike.
 */
export function linkAccountFor(
  links: PathLinks,
  flag: string | undefined,
  config: { remotes: Readonly<Record<string, { type: string }>> },
  dest?: string,
): string | undefined {
  const { type, noun } = links.account;
  if (flag !== undefined) {
    const remote = config.remotes[flag];
    if (!remote) throw new BadInput(`--account: unknown remote '${flag}' (add one with ${howToAdd(type, flag)})`);
    if (remote.type !== type) throw new BadInput(`--account: remote '${flag}' is ${remote.type}, not a ${noun} (${type})`);
    return flag;
  }
  const destRemote = dest === undefined ? undefined : parseRemotePath(dest).remote;
  if (destRemote !== undefined && config.remotes[destRemote]?.type === type) return destRemote;
  const accounts = Object.entries(config.remotes).filter(([, r]) => r.type === type).map(([name]) => name);
  if (accounts.length > 1) throw new BadInput(`several ${noun}s are configured (${accounts.join(', ')}): choose one with --account`);
  return accounts[0];
}

/** "`ferry remote add NAME TYPE` and `ferry login FLOW NAME`", the login when the type declares one. */
function howToAdd(type: string, name: string): string {
  const login = findProviderFactory(type)?.login;
  return `\`ferry remote add ${name} ${type}\`${login ? ` and \`ferry login ${login.name} ${name}\`` : ''}`;
}
