import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type RunSummary, errorMessage } from '@ferry/core';
import { parseShareLink, shareLinkProblem, shareLocationArg } from '@ferry/providers';
import { loadContext } from '../context.js';
import { UsageError } from '../output.js';
import { type LinkResult, filesOf, printLinkResults, totalOf } from '../share-import-report.js';
import { shareAccount } from '../share-paths.js';
import { type TransferFlags, addTransferOptions, printSummary, runTransferCommand } from './transfer.js';

interface ImportShareFlags extends TransferFlags {
  fromFile?: string;
}

/** Links from the command line and from --from-file (one per line; blank lines and # comments skipped). */
function collectLinks(args: string[], fromFile: string | undefined): string[] {
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

export function addImportShareCommand(program: Command): void {
  const cmd = program
    .command('import-share <args...>')
    .usage('[options] <link...> <dest>')
    .description('Import 115 share links into dest: a 115 dest receives them server-side (转存), any other dest gets a copy')
    .option('--account <remote>', 'the 115 remote whose login downloads shared files (default: a 115 dest, else the only p115 remote configured)')
    .option('--from-file <file>', 'read share links from a file, one per line (# starts a comment)');
  addTransferOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Links read like https://115cdn.com/s/<code>?password=<access code> (115.com, anxia.com and
share.115.com too), or <code>-<access code>. Each share's items land in dest as they sit in the
share. Files dest already holds are skipped, so an import that stopped resumes when run again.
Shares can also be configured as remotes: \`ferry remote add films 115share share_code=... receive_code=...\`.`,
  );
  cmd.action(async (args: string[], flags: ImportShareFlags, command: Command) => {
    const globals = command.optsWithGlobals<{ verbose?: boolean; quiet?: boolean }>();
    if (args.length < 1 || (args.length < 2 && flags.fromFile === undefined)) throw new UsageError('import-share needs share link(s) and a destination');
    const dest = args[args.length - 1]!;
    const links = collectLinks(args.slice(0, -1), flags.fromFile);
    const ctx = await loadContext();
    const account = shareAccount(flags.account, ctx.config, dest);
    // A wrong dest is one error for the whole import, not one per link.
    ctx.locate(dest);
    // A malformed line stops everything before anything runs: it is the user's to fix, and a rerun is cheap.
    const sources = links.map((link) => shareLocationArg(link, account));
    const results: LinkResult[] = [];
    const live: { result: LinkResult; source: string }[] = [];
    // Every link is asked of the service first: a dead one is reported and left out, never stopping the rest.
    for (const [i, link] of links.entries()) {
      const result: LinkResult = { link, share_code: parseShareLink(link)!.share_code, status: 'ok' };
      results.push(result);
      const dead = await shareLinkProblem(ctx.locate(sources[i]!));
      if (dead) {
        Object.assign(result, { status: 'dead', ...dead });
        process.stderr.write(`ferry: skipping ${link} (${dead.reason}): ${dead.error}\n`);
      } else live.push({ result, source: sources[i]! });
    }
    // With --json, one line for the whole import (totals and per-link results) replaces each link's.
    const report = (s: RunSummary, json: boolean) => (json ? undefined : printSummary(s, false));
    const ran: RunSummary[] = [];
    for (const { result, source } of live) {
      try {
        const summary =
          flags.queue || flags.wait
            ? await (await import('./queued-transfer.js')).runQueuedTransfer('import-share', source, dest, flags, globals, report)
            : await runTransferCommand('copy', source, dest, flags, globals, report);
        if (!summary) {
          result.status = 'queued';
          continue;
        }
        const run = { ...summary, dryRun: !!flags.dryRun };
        ran.push(run);
        result.files = filesOf(run);
        if (run.failed > 0) result.status = 'failed';
      } catch (err) {
        if (err instanceof UsageError) throw err;
        Object.assign(result, { status: 'failed', error: errorMessage(err).split('\n')[0] });
        process.stderr.write(`ferry: ${result.link}: ${result.error}\n`);
      }
    }
    if (flags.json) process.stdout.write(`${JSON.stringify({ ...totalOf(ran, !!flags.dryRun), links: results })}\n`);
    else printLinkResults(results);
    if (results.some((r) => r.status === 'failed' || r.status === 'dead')) process.exitCode = 1;
  });
}
