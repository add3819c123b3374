import { readFileSync } from 'node:fs';
import { BadInput, type ProviderCommand, type RunSummary, UsageError, errorMessage } from '@ferry/core';
import { parseShareLink } from '@ferry/protocols';
import { shareLocationArg } from '../links.js';
import { shareAccountFor, shareLinkProblem } from '../share-account.js';
import { type LinkResult, filesOf, linkResultLines, totalOf } from './import-report.js';

/** Links from the command line and from --from-file (one per line; blank lines and # comments skipped). */
function collectLinks(args: readonly string[], fromFile: string | undefined): string[] {
  const links = [...args];
  if (fromFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(fromFile, 'utf8');
    } catch (err) {
      throw new UsageError(`--from-file ${fromFile}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    links.push(...text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')));
  }
  if (links.length === 0) throw new UsageError('no share link given (pass links, or --from-file FILE)');
  return links;
}

/** The account's refusals are the command line's to fix (exit 2). */
function accountOf(...args: Parameters<typeof shareAccountFor>): string | undefined {
  try {
    return shareAccountFor(...args);
  } catch (err) {
    if (err instanceof BadInput) throw new UsageError(err.message);
    throw err;
  }
}

/** `ferry import-share LINK... DEST`: each readable share copied (or received server-side) into dest. */
export const importShareCommand: ProviderCommand = {
  name: 'import-share',
  args: '<args...>',
  usage: '[options] <link...> <dest>',
  description: 'Import 115 share links into dest: a 115 dest receives them server-side (转存), any other dest gets a copy',
  flags: [
    { flag: '--account <remote>', description: 'the 115 remote whose login downloads shared files (default: a 115 dest, else the only p115 remote configured)' },
    { flag: '--from-file <file>', description: 'read share links from a file, one per line (# starts a comment)' },
  ],
  transfers: true,
  help: `Links read like https://115cdn.com/s/<code>?password=<access code> (115.com, anxia.com and
share.115.com too), or <code>-<access code>. Each share's items land in dest as they sit in the
share. Files dest already holds are skipped, so an import that stopped resumes when run again.
Shares can also be configured as remotes: \`ferry remote add films p115-share share_code=... receive_code=...\`.`,
  async run(call) {
    const args = call.args[0] as readonly string[];
    const fromFile = call.flags['from-file'] as string | undefined;
    const transfers = call.transfers!;
    if (args.length < 1 || (args.length < 2 && fromFile === undefined)) throw new UsageError('import-share needs share link(s) and a destination');
    const dest = args[args.length - 1]!;
    const links = collectLinks(args.slice(0, -1), fromFile);
    const account = accountOf(call.flags['account'] as string | undefined, { remotes: call.remotes }, dest);
    // A wrong dest is one error for the whole import, not one per link.
    call.locate(dest);
    // A malformed line stops everything before anything runs: it is the user's to fix, and a rerun is cheap.
    const sources = links.map((link) => shareLocationArg(link, account));
    const results: LinkResult[] = [];
    const live: { result: LinkResult; source: string }[] = [];
    // Every link is asked of the service first: a dead one is reported and left out, never stopping the rest.
    for (const [i, link] of links.entries()) {
      const result: LinkResult = { link, share_code: parseShareLink(link)!.share_code, status: 'ok' };
      results.push(result);
      const dead = await shareLinkProblem(call.locate(sources[i]!));
      if (dead) {
        Object.assign(result, { status: 'dead', ...dead });
        call.note(`ferry: skipping ${link} (${dead.reason}): ${dead.error}`);
      } else live.push({ result, source: sources[i]! });
    }
    const ran: RunSummary[] = [];
    for (const { result, source } of live) {
      try {
        const summary = await transfers.copy(source, dest);
        if (!summary) {
          result.status = 'queued';
          continue;
        }
        ran.push(summary);
        result.files = filesOf(summary);
        if (summary.failed > 0) result.status = 'failed';
      } catch (err) {
        if (err instanceof UsageError) throw err;
        Object.assign(result, { status: 'failed', error: errorMessage(err).split('\n')[0] });
        call.note(`ferry: ${result.link}: ${result.error}`);
      }
    }
    // With --json, one line for the whole import (totals and per-link results) replaces each link's.
    if (transfers.json) await call.out(JSON.stringify({ ...totalOf(ran, transfers.dryRun), links: results }));
    else for (const line of linkResultLines(results)) call.note(line);
    return results.some((r) => r.status === 'failed' || r.status === 'dead') ? 1 : 0;
  },
};
