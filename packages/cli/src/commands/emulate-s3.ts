import type { Command } from 'commander';
import { formatS3EmulatorJson, s3EmulatorRemote, startS3Emulator } from '@ferry/emulators';
import { remoteAddLine } from '../emulator-remotes.js';

/**
 * `ferry emulate s3 [--bucket NAME] [--dir DIR] [--json]`: s3rver, an S3 server written
 * independently of Ferry, on 127.0.0.1 with one bucket, until SIGTERM or Ctrl-C.
 */
export function addEmulateS3Command(program: Command): void {
  const emulate =
    program.commands.find((c) => c.name() === 'emulate') ??
    program.command('emulate').description('Run a protocol-faithful fake cloud locally, for tests and demos');
  emulate
    .command('s3')
    .description('Run an S3 server (s3rver) on 127.0.0.1 with one bucket and print a ready remote config (or, with --json, one JSON line)')
    .option('--bucket <name>', 'bucket to create', 'ferry')
    .option('--dir <dir>', 'folder that keeps the objects (default: a temporary folder, removed on exit)')
    .option('--json', 'print {endpoint, bucket, access_key_id, secret_access_key, region} as one JSON line on stdout')
    .action(async (flags: { bucket: string; dir?: string; json?: boolean }) => {
      const emu = await startS3Emulator({ bucket: flags.bucket, ...(flags.dir ? { directory: flags.dir } : {}) });
      if (flags.json) {
        process.stdout.write(`${formatS3EmulatorJson(emu)}\n`);
      } else {
        process.stdout.write(
          `S3 server (s3rver) on ${emu.endpoint}, bucket ${emu.bucket} (stop with Ctrl-C or SIGTERM).\n` +
            `${remoteAddLine('s3', s3EmulatorRemote(emu))}\n`,
        );
      }
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await emu.close();
    });
}
