import { Command, CommanderError } from 'commander';
import { addDemoCommand } from './commands/demo.js';
import { addHashCommand } from './commands/hash.js';
import { addJobsCommand } from './commands/jobs.js';
import { addEmulate115Command } from './commands/emulate-115.js';
import { addEmulateAliyunCommand } from './commands/emulate-aliyun.js';
import { addLoginCommands } from './commands/login.js';
import { addLsCommand } from './commands/ls.js';
import { addOfflineCommands } from './commands/offline.js';
import { addRemoteCommands } from './commands/remote.js';
import { addScheduleCommands } from './commands/schedule.js';
import { addTransferCommands } from './commands/transfer.js';
import { addWorkerCommand } from './commands/worker.js';
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

addDemoCommand(program);
addTransferCommands(program);
addLsCommand(program);
addHashCommand(program);
addRemoteCommands(program);
addLoginCommands(program);
addOfflineCommands(program);
addEmulate115Command(program);
addEmulateAliyunCommand(program);
addWorkerCommand(program);
addJobsCommand(program);
addScheduleCommands(program);

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
