import type { Command } from 'commander';
import { format115EmulatorJson, share115LinkOf, start115Emulator } from '@ferry/emulators';
import { p115RemoteFor, remoteAddLine } from '../emulator-remotes.js';

/**
 * `ferry emulate 115 --seed DIR [--share PATH]... [--json]`: the 115 emulator, standalone, until
 * SIGTERM or Ctrl-C. Each --share shares a path of the first user's drive (random access code).
 */
export function addEmulate115Command(program: Command): void {
  const emulate = program.commands.find((c) => c.name() === 'emulate') ?? program.command('emulate').description('Run a protocol-faithful fake cloud locally, for tests and demos');
  emulate
    .command('115')
    .description('Run the 115 emulator on 127.0.0.1 and print a ready remote config (or, with --json, one JSON line)')
    .option('--seed <dir>', "folder loaded into the first user's drive")
    .option('--users <names>', 'comma-separated user names', 'alice')
    .option('--share <path>', "share a path of the first user's drive (repeatable); printed as a 115 share link", (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--json', 'print {hosts, users, rsa_n, rsa_e, ecdh_pub, oss_connect[, shares]} as one JSON line on stdout')
    .action(async (flags: { seed?: string; users: string; share: string[]; json?: boolean }) => {
      const emu = await start115Emulator({ users: flags.users.split(',').filter(Boolean), ...(flags.seed ? { seedDir: flags.seed } : {}) });
      let shares: ReturnType<typeof share115LinkOf>[];
      try {
        shares = flags.share.map((path) => share115LinkOf(emu.createShare(emu.users[0]!.name, [path])));
      } catch (err) {
        await emu.close();
        throw err;
      }
      if (flags.json) {
        process.stdout.write(`${format115EmulatorJson(emu, shares)}\n`);
      } else {
        process.stdout.write(`115 emulator on ${emu.baseUrl} (stop with Ctrl-C or SIGTERM). Remotes for its users:\n`);
        for (const u of emu.users) process.stdout.write(`${remoteAddLine(u.name, p115RemoteFor(emu, u))}\n`);
        for (const s of shares) process.stdout.write(`share ${s.url} (share_code ${s.share_code}, receive_code ${s.receive_code})\n`);
      }
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await emu.close();
    });
}
