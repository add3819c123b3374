import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import QRCode from 'qrcode';
import { BadInput, ConfigStore, describeZodError, isValidRemoteName } from '@ferry/core';
import { LOGIN_APPS, p115Options, refuseWithdrawnApp, slotNotice, startQrLogin, waitForQrLogin } from '@ferry/providers';
import '../context.js';
import { UsageError } from '../output.js';

const STATUS_TEXT: Record<number, string> = {
  0: 'waiting for the QR code to be scanned with the 115 app',
  1: 'scanned: confirm the login on the phone',
  2: 'confirmed',
};

interface LoginFlags {
  app: string;
  qrPng?: string;
  pollMs: string;
}

export function addLoginCommands(program: Command): void {
  program
    .command('login <service> <remote>')
    .description('Log in to a cloud by QR code and save the session into a remote (115 only for now)')
    .option('--app <app>', `115 app slot to log in as: ${LOGIN_APPS.join('|')}`, 'tv')
    .option('--qr-png <file>', 'also write the QR code as a PNG file')
    .option('--poll-ms <ms>', 'how often to ask 115 for the QR status', '1000')
    .action(async (service: string, remote: string, flags: LoginFlags) => {
      if (service !== '115') throw new UsageError(`login supports 115 only, got '${service}'`);
      if (!isValidRemoteName(remote)) throw new BadInput(`invalid remote name '${remote}': use letters, digits, _ . -`);
      refuseWithdrawnApp(flags.app);
      const app = LOGIN_APPS.find((a) => a === flags.app);
      if (!app) throw new UsageError(`--app must be one of ${LOGIN_APPS.join(', ')}, got '${flags.app}'`);
      const pollMs = Number(flags.pollMs);
      if (!Number.isInteger(pollMs) || pollMs < 10) throw new UsageError(`--poll-ms must be a whole number of at least 10, got '${flags.pollMs}'`);

      const store = new ConfigStore();
      const config = await store.load();
      const existing = config.remotes[remote];
      if (existing && existing.type !== 'p115') throw new BadInput(`remote '${remote}' is a '${existing.type}' remote, not 115`);
      const { type: _type, ...saved } = existing ?? { type: 'p115' };
      // Options are checked when a remote is used, not when the config is loaded: this is the use.
      const current = p115Options.safeParse(saved);
      if (!current.success) throw new BadInput(`remote '${remote}': ${describeZodError(current.error)}`);
      const options = current.data;

      process.stderr.write(`${slotNotice(app)}\n`);
      const ticket = await startQrLogin(options, app);
      process.stderr.write(`${await QRCode.toString(ticket.content, { type: 'terminal', small: true })}\n`);
      process.stderr.write(`QR code content: ${ticket.content}\n`);
      if (flags.qrPng) {
        await writeFile(flags.qrPng, await QRCode.toBuffer(ticket.content, { type: 'png' }));
        process.stderr.write(`QR code written to ${flags.qrPng}\n`);
      }
      const result = await waitForQrLogin(options, ticket, (status) => process.stderr.write(`Status: ${STATUS_TEXT[status] ?? status}\n`), pollMs);

      const next = { ...saved, cookie: result.cookie };
      const check = p115Options.safeParse(next);
      if (!check.success) throw new BadInput(`remote '${remote}': ${describeZodError(check.error)}`);
      await store.update((config) => {
        config.remotes[remote] = { type: 'p115', ...next };
      });
      process.stderr.write(`Logged in as ${result.userName || result.userId} (user ${result.userId}, app ${app}); session saved into remote '${remote}' in ${store.path}\n`);
    });
}
