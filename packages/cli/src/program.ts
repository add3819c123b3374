import { Command, CommanderError } from 'commander';
import { UsageError, exitCodeFor, outputSettings, printError } from './output.js';

const program = new Command('ferry')
  .description('Cross-cloud transfer and sync: 115, Aliyun Drive Open and local disk, with rapid upload')
  .version('0.1.0')
  .option('-v, --verbose', 'one line per file, and stack traces with errors')
  .option('-q, --quiet', 'no progress output')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .hook('preAction', (cmd) => {
    outputSettings.verbose = !!cmd.optsWithGlobals<{ verbose?: boolean }>().verbose;
  })
  .addHelpText(
    'after',
    `
Paths: "remote:/path" for a configured remote (see \`ferry remote\`), or a path on local disk.
Config: $FERRY_CONFIG, else ~/.config/ferry/ferry.config.json (written with mode 0600).`,
  );

type AddCommands = (program: Command) => void;

/**
 * Each command's module, loaded on demand: the worker's BullMQ and Redis client, the emulators and
 * the QR renderer would otherwise cost every run (`ferry hash` included) most of a second of
 * start-up. Help and unknown commands load them all.
 */
const COMMANDS: Record<string, () => Promise<AddCommands[]>> = {
  demo: async () => [(await import('./commands/demo.js')).addDemoCommand],
  copy: async () => [(await import('./commands/transfer.js')).addTransferCommands],
  ls: async () => [(await import('./commands/ls.js')).addLsCommand],
  hash: async () => [(await import('./commands/hash.js')).addHashCommand],
  remote: async () => [(await import('./commands/remote.js')).addRemoteCommands],
  login: async () => [(await import('./commands/login.js')).addLoginCommands],
  emulate: async () => [
    (await import('./commands/emulate-p115.js')).addEmulateP115Command,
    (await import('./commands/emulate-aliyun-open.js')).addEmulateAliyunOpenCommand,
    (await import('./commands/emulate-s3.js')).addEmulateS3Command,
  ],
  worker: async () => [(await import('./commands/worker.js')).addWorkerCommand],
  jobs: async () => [(await import('./commands/jobs.js')).addJobsCommand],
  schedule: async () => [(await import('./commands/schedule.js')).addScheduleCommands],
  move: async () => [(await import('./commands/move.js')).addMoveCommand],
  copyto: async () => [(await import('./commands/move.js')).addCopytoMovetoCommands],
  delete: async () => [(await import('./commands/delete.js')).addDeleteCommand],
  purge: async () => [(await import('./commands/delete.js')).addPurgeCommand],
  mkdir: async () => [(await import('./commands/dirs.js')).addMkdirCommand],
  rmdir: async () => [(await import('./commands/dirs.js')).addRmdirCommand],
  check: async () => [(await import('./commands/check.js')).addCheckCommand],
  cat: async () => [(await import('./commands/cat.js')).addCatCommand],
  size: async () => [(await import('./commands/size.js')).addSizeCommand],
  lsjson: async () => [(await import('./commands/lsjson.js')).addLsjsonCommand],
  about: async () => [(await import('./commands/about.js')).addAboutCommand],
  serve: async () => [(await import('./commands/serve.js')).addServeCommand],
};
COMMANDS.sync = COMMANDS.copy!;
COMMANDS.moveto = COMMANDS.copyto!;

/** The commands providers declare (`ferry offline`, `ferry import-share`), mounted from their declarations. */
const providerCommands = async () => [(await import('./commands/provider-commands.js')).addProviderCommands];

async function isProviderCommand(name: string): Promise<boolean> {
  return (await import('./commands/provider-commands.js')).providerCommandNames().includes(name);
}

const args = process.argv.slice(2);
const named = args.find((arg) => !arg.startsWith('-'));
const versionOnly = named === undefined && (args.includes('--version') || args.includes('-V'));
async function wantedCommands(): Promise<(() => Promise<AddCommands[]>)[]> {
  if (named !== undefined && COMMANDS[named]) return [COMMANDS[named]];
  if (named !== undefined && (await isProviderCommand(named))) return [providerCommands];
  if (versionOnly) return [];
  return [...new Set(Object.values(COMMANDS)), providerCommands];
}
for (const load of await wantedCommands()) for (const add of await load()) add(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander already printed its message (or the help/version text).
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    printError(err);
    process.exitCode = exitCodeFor(err);
  }
}
