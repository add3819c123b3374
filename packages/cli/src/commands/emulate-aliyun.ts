import type { Command } from 'commander';
import { formatAliyunEmulatorJson, startAliyunEmulator } from '@ferry/emulators';
import { aliyunRemoteFor, remoteAddLine } from '../emulator-remotes.js';
import { wholeNumber } from '../transfer-settings.js';

/**
 * `ferry emulate aliyun --seed DIR [--access-token-ttl SECONDS] [--json]`: the Aliyun Drive Open
 * emulator, standalone, until SIGTERM or Ctrl-C. A short token lifetime makes every client refresh
 * (and rotate the single-use refresh token) often, as hours of real use would.
 */
export function addEmulateAliyunCommand(program: Command): void {
  const emulate =
    program.commands.find((c) => c.name() === 'emulate') ??
    program.command('emulate').description('Run a protocol-faithful fake cloud locally, for tests and demos');
  emulate
    .command('aliyun')
    .description('Run the Aliyun Drive Open API emulator on 127.0.0.1 and print a ready remote config (or, with --json, one JSON line)')
    .option('--seed <dir>', 'folder loaded into the default drive')
    .option('--no-rate-limits', 'answer every call, without the documented per-second limits')
    .option('--access-token-ttl <seconds>', 'lifetime of access tokens (default 7200)')
    .option('--json', 'print {base, client_id, client_secret, refresh_token, drive_id} as one JSON line on stdout')
    .action(async (flags: { seed?: string; rateLimits: boolean; accessTokenTtl?: string; json?: boolean }) => {
      const emu = await startAliyunEmulator({
        ...(flags.seed ? { seed: flags.seed } : {}),
        ...(flags.rateLimits ? {} : { rateLimits: false }),
        ...(flags.accessTokenTtl === undefined ? {} : { accessTokenTtlSec: wholeNumber('access-token-ttl', flags.accessTokenTtl, 1, 86_400) }),
      });
      if (flags.json) {
        process.stdout.write(`${formatAliyunEmulatorJson(emu)}\n`);
      } else {
        process.stdout.write(
          `Aliyun Drive Open emulator on ${emu.base}, drive ${emu.drive_id} (stop with Ctrl-C or SIGTERM).\n` +
            `The refresh token is single use and rotates; Ferry saves each new one in its config.\n` +
            `${remoteAddLine('aliyun', aliyunRemoteFor(emu))}\n`,
        );
      }
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await emu.close();
    });
}
