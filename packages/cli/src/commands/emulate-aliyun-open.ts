import type { Command } from 'commander';
import { aliyunOpenEmulatorRemote, formatAliyunOpenEmulatorJson, startAliyunOpenEmulator } from '@ferry/emulators';
import { remoteAddLine } from '../emulator-remotes.js';
import { wholeNumber } from '../transfer-settings.js';

/**
 * `ferry emulate aliyun-open --seed DIR [--access-token-ttl SECONDS] [--qr-auto-confirm] [--qr-ttl SECONDS] [--json]`:
 * the Aliyun Drive Open emulator, standalone, until SIGTERM or Ctrl-C. A short token lifetime
 * makes every client refresh (and rotate the single-use refresh token) often, as hours of real use
 * would. --qr-auto-confirm plays the phone, so `ferry login aliyun-open` completes unattended; a short
 * --qr-ttl shows how expired QR codes are handled.
 */
export function addEmulateAliyunOpenCommand(program: Command): void {
  const emulate =
    program.commands.find((c) => c.name() === 'emulate') ??
    program.command('emulate').description('Run a protocol-faithful fake cloud locally, for tests and demos');
  emulate
    .command('aliyun-open')
    .alias('aliyun') // the word before the provider's type id became its name; scripts still use it
    .description('Run the Aliyun Drive Open API emulator on 127.0.0.1 and print a ready remote config (or, with --json, one JSON line)')
    .option('--seed <dir>', 'folder loaded into the default drive')
    .option('--no-rate-limits', 'answer every call, without the documented per-second limits')
    .option('--access-token-ttl <seconds>', 'lifetime of access tokens (default 7200)')
    .option('--qr-auto-confirm', "scan and confirm every new QR authorization about a second after it is issued, as the emulator's user")
    .option('--qr-ttl <seconds>', 'lifetime of QR authorization codes (default 180)')
    .option('--json', 'print {base, client_id, client_secret, refresh_token, drive_id} as one JSON line on stdout')
    .action(async (flags: { seed?: string; rateLimits: boolean; accessTokenTtl?: string; qrAutoConfirm?: boolean; qrTtl?: string; json?: boolean }) => {
      const emu = await startAliyunOpenEmulator({
        ...(flags.seed ? { seed: flags.seed } : {}),
        ...(flags.rateLimits ? {} : { rateLimits: false }),
        ...(flags.accessTokenTtl === undefined ? {} : { accessTokenTtlSec: wholeNumber('access-token-ttl', flags.accessTokenTtl, 1, 86_400) }),
        ...(flags.qrTtl === undefined ? {} : { qrTtlSec: wholeNumber('qr-ttl', flags.qrTtl, 1, 86_400) }),
        ...(flags.qrAutoConfirm ? { qrAutoConfirm: true } : {}),
      });
      if (flags.json) {
        process.stdout.write(`${formatAliyunOpenEmulatorJson(emu)}\n`);
      } else {
        process.stdout.write(
          `Aliyun Drive Open emulator on ${emu.base}, drive ${emu.drive_id} (stop with Ctrl-C or SIGTERM).\n` +
            `The refresh token is single use and rotates; Ferry saves each new one in its config.\n` +
            `${remoteAddLine('aliyun', aliyunOpenEmulatorRemote(emu))}\n` +
            (flags.qrAutoConfirm ? 'QR authorizations are scanned and confirmed about a second after they are issued\n' : ''),
        );
      }
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await emu.close();
    });
}
