import { isAbsolute } from 'node:path';
import { BadInput, ConfigStore, type FerryConfig, type Location, errorMessage, findOverlap, parseRemotePath, resolveLocation } from '@ferry/core';
import { parseShareLink, shareAccountFor, shareLinkProblem, shareLocationArg } from '@ferry/providers';
import { type FerryQueues, type Submitted, type TransferSpecInput, submitTransfer } from '@ferry/worker';
import { z } from 'zod';

/** What the server needs beside the queues: the config the workers share, read afresh each time. */
export class ServerConfig {
  constructor(readonly store: ConfigStore = new ConfigStore()) {}

  load(): Promise<FerryConfig> {
    return this.store.load();
  }

  /**
   * A path as job data carries it. The server's working folder means nothing to the workers, so
   * a local path must be absolute.
   */
  portable(arg: string): string {
    const parsed = parseRemotePath(arg);
    if (parsed.remote === undefined && !isAbsolute(parsed.path)) {
      throw new BadInput(`'${arg}': give remote:/path, or an absolute path on the workers' disk`);
    }
    return arg;
  }

  locate(arg: string, config: FerryConfig): Location {
    return resolveLocation(this.portable(arg), config, this.store);
  }
}

async function closing<T>(locations: Location[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    await Promise.all(locations.map((l) => l.provider.close?.()));
  }
}

export const transferRequestSchema = z.strictObject({
  mode: z.enum(['copy', 'sync']),
  source: z.string().min(1),
  target: z.string().min(1),
  delete: z.boolean().default(false),
  compare: z.enum(['default', 'checksum', 'size-only']).default('default'),
  onConflict: z.enum(['overwrite', 'skip', 'rename']).default('overwrite'),
  include: z.array(z.string().min(1)).default([]),
  exclude: z.array(z.string().min(1)).default([]),
});
export type TransferRequest = z.infer<typeof transferRequestSchema>;

/**
 * The transfer a request asks for, checked as `copy --queue` checks it before queueing: both
 * ends resolve, the source exists, neither holds the other.
 */
async function checkedSpec(config: ServerConfig, req: TransferRequest): Promise<TransferSpecInput> {
  if (req.delete && req.mode !== 'sync') throw new BadInput('delete goes with sync only');
  if (req.onConflict === 'rename' && req.delete) throw new BadInput('onConflict rename cannot be used with sync delete');
  const cfg = await config.load();
  const source = config.locate(req.source, cfg);
  const target = config.locate(req.target, cfg);
  await closing([source, target], async () => {
    await source.provider.stat(source.path);
    const overlap = await findOverlap(source, target);
    if (overlap) throw new BadInput(overlap);
  });
  return {
    mode: req.mode,
    source: req.source,
    target: req.target,
    deleteExtraneous: req.delete,
    compare: req.compare,
    onConflict: req.onConflict,
    include: req.include,
    exclude: req.exclude,
    retries: cfg.defaults.retries ?? 3,
  };
}

export async function submitRequest(queues: FerryQueues, config: ServerConfig, req: TransferRequest): Promise<Submitted> {
  return submitTransfer(queues, await checkedSpec(config, req));
}

export const linksRequestSchema = z.strictObject({
  links: z.array(z.string()).min(1).max(1000),
  target: z.string().min(1),
  account: z.string().min(1).optional(),
});
export type LinksRequest = z.infer<typeof linksRequestSchema>;

export interface LinkCheck {
  link: string;
  /** ok: the share can be read; malformed: not a share link; dead: 115 refuses it (see reason). */
  status: 'ok' | 'malformed' | 'dead';
  share_code?: string;
  reason?: string;
  error?: string;
  /** Set by an import: the transfer that imports this link. */
  id?: string;
}

/**
 * Each link asked of 115 as `ferry import-share` asks it: a malformed or dead one gets its reason,
 * the others are readable. Blank lines and # comments are left out.
 */
export async function checkLinks(config: ServerConfig, req: LinksRequest): Promise<{ checks: LinkCheck[]; sources: Map<LinkCheck, string> }> {
  const cfg = await config.load();
  const target = config.portable(req.target);
  const account = shareAccountFor(req.account, cfg, target);
  const checks: LinkCheck[] = [];
  const sources = new Map<LinkCheck, string>();
  for (const raw of req.links) {
    const link = raw.trim();
    if (link === '' || link.startsWith('#')) continue;
    const share = parseShareLink(link);
    if (!share) {
      checks.push({ link, status: 'malformed', reason: 'malformed', error: 'not a 115 share link (expected https://115cdn.com/s/<code>?password=<access code>, or <code>-<access code>)' });
      continue;
    }
    const check: LinkCheck = { link, status: 'ok', share_code: share.share_code };
    checks.push(check);
    try {
      const source = shareLocationArg(link, account);
      const dead = await shareLinkProblem(resolveLocation(source, cfg, config.store));
      if (dead) Object.assign(check, { status: 'dead', ...dead });
      else sources.set(check, source);
    } catch (err) {
      Object.assign(check, { status: 'dead', reason: 'error', error: errorMessage(err).split('\n')[0] });
    }
  }
  return { checks, sources };
}

/** Queues one import-share transfer per readable link; the others come back with their reasons. */
export async function importLinks(queues: FerryQueues, config: ServerConfig, req: LinksRequest): Promise<LinkCheck[]> {
  const cfg = await config.load();
  const target = config.locate(req.target, cfg);
  await target.provider.close?.();
  const { checks, sources } = await checkLinks(config, req);
  for (const [check, source] of sources) {
    const submitted = await submitTransfer(queues, {
      mode: 'import-share',
      source,
      target: req.target,
      retries: cfg.defaults.retries ?? 3,
    });
    check.id = submitted.id;
  }
  return checks;
}
