import type { Command } from 'commander';
import { formatP115EmulatorJson, p115EmulatorRemote, p115ShareLinkOf, startP115Emulator } from '@ferry/emulators';
import { remoteAddLine } from '../emulator-remotes.js';
import { UsageError } from '../output.js';

/**
 * `ferry emulate p115 --seed DIR [--share PATH]... [--share-expired PATH]... [--qr-auto-confirm [USER]] [--json]`:
 * the 115 emulator, standalone, until SIGTERM or Ctrl-C. Each --share shares a path of the first
 * user's drive (random access code); each --share-expired too, as a link whose expiry has passed.
 * --qr-auto-confirm plays the phone, so `ferry login p115` completes unattended.
 */
export function addEmulateP115Command(program: Command): void {
  const emulate = program.commands.find((c) => c.name() === 'emulate') ?? program.command('emulate').description('Run a protocol-faithful fake cloud locally, for tests and demos');
  const repeat = (v: string, all: string[]) => [...all, v];
  emulate
    .command('p115')
    .alias('115') // the word before the provider's type id became its name; scripts still use it
    .description('Run the 115 emulator on 127.0.0.1 and print a ready remote config (or, with --json, one JSON line)')
    .option('--seed <dir>', "folder loaded into the first user's drive")
    .option('--users <names>', 'comma-separated user names', 'alice')
    .option('--share <path>', "share a path of the first user's drive (repeatable); printed as a 115 share link", repeat, [] as string[])
    .option('--share-expired <path>', 'share a path as a link whose expiry has passed, to see how an expired share fails (repeatable)', repeat, [] as string[])
    .option('--qr-auto-confirm [user]', 'scan and confirm every new QR login code about a second after it is issued, as USER (default: the first user)')
    .option('--json', 'print {hosts, users, rsa_n, rsa_e, ecdh_pub, oss_connect[, shares][, expired_shares]} as one JSON line on stdout')
    .action(async (flags: { seed?: string; users: string; share: string[]; shareExpired: string[]; qrAutoConfirm?: string | true; json?: boolean }) => {
      const users = flags.users.split(',').filter(Boolean);
      const phoneUser = flags.qrAutoConfirm === true ? (users[0] ?? 'alice') : flags.qrAutoConfirm;
      if (phoneUser !== undefined && users.length && !users.includes(phoneUser)) {
        throw new UsageError(`--qr-auto-confirm names '${phoneUser}', who is not among --users ${users.join(',')}`);
      }
      const emu = await startP115Emulator({
        users,
        ...(flags.seed ? { seedDir: flags.seed } : {}),
        ...(phoneUser !== undefined ? { qrAutoConfirm: { user: phoneUser } } : {}),
      });
      let shares: ReturnType<typeof p115ShareLinkOf>[];
      let expired: ReturnType<typeof p115ShareLinkOf>[];
      try {
        const owner = emu.users[0]!.name;
        shares = flags.share.map((path) => p115ShareLinkOf(emu.createShare(owner, [path])));
        // Expired a day ago: a share 115 still knows, whose expire_time has passed (share_state 7).
        const yesterday = Math.floor(Date.now() / 1000) - 86_400;
        expired = flags.shareExpired.map((path) => p115ShareLinkOf(emu.createShare(owner, [path], { expireTime: yesterday })));
      } catch (err) {
        await emu.close();
        throw err;
      }
      if (flags.json) {
        process.stdout.write(`${formatP115EmulatorJson(emu, shares, expired)}\n`);
      } else {
        process.stdout.write(`115 emulator on ${emu.baseUrl} (stop with Ctrl-C or SIGTERM). Remotes for its users:\n`);
        for (const u of emu.users) process.stdout.write(`${remoteAddLine(u.name, p115EmulatorRemote(emu, u.cookie))}\n`);
        for (const s of shares) process.stdout.write(`share ${s.url} (share_code ${s.share_code}, receive_code ${s.receive_code})\n`);
        for (const s of expired) process.stdout.write(`expired share ${s.url} (share_code ${s.share_code}, receive_code ${s.receive_code})\n`);
        if (phoneUser !== undefined) process.stdout.write(`QR login codes are scanned and confirmed as '${phoneUser}' about a second after they are issued\n`);
      }
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await emu.close();
    });
}
