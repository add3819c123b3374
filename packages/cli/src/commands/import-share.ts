import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type FerryConfig, parseRemotePath } from '@ferry/core';
import { shareLocationArg } from '@ferry/providers';
import { loadContext } from '../context.js';
import { UsageError } from '../output.js';
import { type TransferFlags, addTransferOptions, printSummary, runTransferCommand } from './transfer.js';

interface ImportShareFlags extends TransferFlags {
  account?: string;
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

/**
 * The 115 account whose cookie downloads shared files: --account, else a p115 destination, else
 * the only p115 remote in the config. None at all still lists shares and lets a 115 destination
 * receive them.
 */
function accountFor(flag: string | undefined, config: FerryConfig, dest: string): string | undefined {
  if (flag !== undefined) {
    const remote = config.remotes[flag];
    if (!remote) throw new UsageError(`--account: unknown remote '${flag}' (add one with \`ferry remote add ${flag} p115\` and \`ferry login 115 ${flag}\`)`);
    if (remote.type !== 'p115') throw new UsageError(`--account: remote '${flag}' is ${remote.type}, not a 115 account (p115)`);
    return flag;
  }
  const destRemote = parseRemotePath(dest).remote;
  if (destRemote !== undefined && config.remotes[destRemote]?.type === 'p115') return destRemote;
  const accounts = Object.entries(config.remotes).filter(([, r]) => r.type === 'p115').map(([name]) => name);
  if (accounts.length > 1) throw new UsageError(`several 115 accounts are configured (${accounts.join(', ')}): choose one with --account`);
  return accounts[0];
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
    const account = accountFor(flags.account, ctx.config, dest);
    // Every link is checked before anything runs: a typo in the tenth link must not stop an import halfway.
    const sources = links.map((link) => shareLocationArg(link, account));
    let failed = 0;
    for (const source of sources) {
      const summary =
        flags.queue || flags.wait
          ? await (await import('./queued-transfer.js')).runQueuedTransfer('import-share', source, dest, flags, globals, printSummary)
          : await runTransferCommand('copy', source, dest, flags, globals);
      if (summary) failed += summary.failed;
    }
    if (failed > 0) process.exitCode = 1;
  });
}
