import { type Command, Option } from 'commander';
import { type CommandTransfers, type ProviderCommand, type RunSummary, listProviderCommands } from '@ferry/core';
import { loadContext } from '../context.js';
import { writeOut } from '../output-pipe.js';
import { type TransferFlags, addTransferOptions, printSummary, runTransferCommand } from './transfer.js';

type Globals = { verbose?: boolean; quiet?: boolean };

/**
 * The transfers a provider's command runs with the command line's transfer flags: here as
 * `ferry copy` runs them, or queued under the command's name. With --json the command prints
 * one line for the whole run, so no transfer prints its own summary.
 */
function transfersOf(name: string, flags: TransferFlags, globals: Globals): CommandTransfers {
  const report = (s: RunSummary, json: boolean) => (json ? undefined : printSummary(s, false));
  return {
    json: !!flags.json,
    dryRun: !!flags.dryRun,
    copy: async (source, dest) => {
      const summary =
        flags.queue || flags.wait
          ? await (await import('./queued-transfer.js')).runQueuedTransfer(name, source, dest, flags, globals, report)
          : await runTransferCommand('copy', source, dest, flags, globals, report);
      return summary && { ...summary, dryRun: !!flags.dryRun };
    },
  };
}

/** Adds `declared` (and its subcommands) under `parent`, its help and flags from the declaration. */
function mount(parent: Command, declared: ProviderCommand, type: string): void {
  if (parent.commands.some((c) => c.name() === declared.name)) {
    throw new Error(`the ${type} provider declares the command '${declared.name}', which '${parent.name()}' already has`);
  }
  const cmd = parent.command(declared.args ? `${declared.name} ${declared.args}` : declared.name).description(declared.description);
  for (const alias of declared.aliases ?? []) cmd.alias(alias);
  if (declared.usage) cmd.usage(declared.usage);
  const options = (declared.flags ?? []).map((f) => new Option(f.flag, f.description));
  for (const option of options) cmd.addOption(option);
  if (declared.transfers) addTransferOptions(cmd);
  if (declared.help) cmd.addHelpText('after', `\n${declared.help}`);
  for (const sub of declared.subcommands ?? []) mount(cmd, sub, type);
  const run = declared.run;
  if (!run) return;
  cmd.action(async (...params: unknown[]) => {
    const command = params.at(-1) as Command;
    const given = params.at(-2) as Record<string, string | boolean | undefined>;
    const ctx = await loadContext();
    const code = await run({
      args: params.slice(0, -2) as (string | string[])[],
      flags: Object.fromEntries(options.map((o) => [o.long!.slice(2), given[o.attributeName()]])),
      remotes: ctx.config.remotes,
      locate: ctx.locate,
      out: (line) => writeOut(`${line}\n`),
      note: (line) => process.stderr.write(`${line}\n`),
      ...(declared.transfers ? { transfers: transfersOf(declared.name, given as TransferFlags, command.optsWithGlobals<Globals>()) } : {}),
    });
    if (code) process.exitCode = code;
  });
}

/** The commands providers declare (`ferry offline …`, `ferry import-share …`), mounted at the top. */
export function addProviderCommands(program: Command): void {
  for (const { type, command } of listProviderCommands()) mount(program, command, type);
}

/** The names of the top-level commands providers declare, and their aliases. */
export function providerCommandNames(): string[] {
  return listProviderCommands().flatMap(({ command }) => [command.name, ...(command.aliases ?? [])]);
}
