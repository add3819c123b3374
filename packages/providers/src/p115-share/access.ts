import { BadInput, type ProviderContext, describeZodError } from '@ferry/core';
import { P115Api } from '../p115/api.js';
import { type P115Options, p115Options } from '../p115/options.js';
import type { P115ShareOptions } from './options.js';

/** How a share is reached: through an account's login, or anonymously. */
export interface ShareAccess {
  /** The p115 remote whose login is borrowed; undefined when anonymous. */
  account: string | undefined;
  /** Cookie-less for anonymous access; the account's (its pacer included) otherwise. */
  api: P115Api;
  /** The effective 115 options: the account's, or this share remote's own for anonymous access. */
  options: P115Options;
}

/**
 * With `account`, every share call goes through that p115 remote's login, User-Agent, endpoints and
 * account budget (the one its own transfers spend: 115 throttles per account).
 * Without it, calls go out with no cookie, drawing from one bucket per webapi host.
 */
export function shareAccess(label: string, options: P115ShareOptions, context: ProviderContext): ShareAccess {
  if (!options.account) {
    const anonymous = p115Options.parse({
      webapi_url: options.webapi_url,
      user_agent: options.user_agent,
      qps: options.qps,
      page_size: options.page_size,
    });
    return { account: undefined, api: new P115Api(label, anonymous, 'anonymous', context.pacing), options: anonymous };
  }
  const name = options.account;
  const raw = context.remoteOptions?.(name);
  if (!raw) throw new BadInput(`${label}: account '${name}' is not a configured remote; add it with \`ferry login p115 ${name}\``);
  const { type, ...rest } = raw;
  if (type !== 'p115') throw new BadInput(`${label}: account '${name}' is a '${type}' remote; a 115 share needs a p115 remote's login`);
  const parsed = p115Options.safeParse(rest);
  if (!parsed.success) throw new BadInput(`${label}: account '${name}': ${describeZodError(parsed.error)}`);
  // P115Api refuses a missing or malformed cookie with a message that names the account remote.
  return { account: name, api: new P115Api(name, parsed.data, 'cookie', context.pacing), options: parsed.data };
}
