import type { Command } from 'commander';
import { BadInput, isValidRemoteName } from '@ferry/core';
import { LOGIN_APPS } from '@ferry/providers';
import '../context.js';
import { UsageError } from '../output.js';
import { ALIYUN_LOGIN_FLAGS, loginAliyun } from './login-aliyun.js';
import { P115_LOGIN_FLAGS, login115 } from './login-115.js';
import type { LoginFlags } from './login-flags.js';

type ServiceFlag = keyof Omit<LoginFlags, 'qrPng' | 'pollMs'>;

/** Each service's QR login and the flags that belong to it alone. */
const FLOWS: Record<string, { run: (remote: string, flags: LoginFlags, pollMs: number) => Promise<void>; flags: readonly ServiceFlag[] }> = {
  '115': { run: login115, flags: P115_LOGIN_FLAGS },
  aliyun: { run: loginAliyun, flags: ALIYUN_LOGIN_FLAGS },
};

const FLAG_NAMES: Record<ServiceFlag, string> = { app: '--app', clientId: '--client-id', clientSecret: '--client-secret', drive: '--drive', endpoint: '--endpoint' };

export function addLoginCommands(program: Command): void {
  program
    .command('login <service> <remote>')
    .description(`Log in to a cloud by QR code and save the session into a remote (service: ${Object.keys(FLOWS).join(' or ')})`)
    .option('--qr-png <file>', 'also write the QR code as a PNG file')
    .option('--poll-ms <ms>', 'how often to ask for the QR status', '1000')
    .option('--app <app>', `115: app slot to log in as: ${LOGIN_APPS.join('|')} (default tv)`)
    .option('--client-id <id>', 'aliyun: app id of your Open Platform app (kept from the remote when logging in again)')
    .option('--client-secret <secret>', 'aliyun: app secret; without it the app must be a public client (PKCE)')
    .option('--drive <drive>', 'aliyun: the drive the remote uses: default|resource (default: default)')
    .option('--endpoint <url>', 'aliyun: API base URL, for an emulator or a compatible server (default https://openapi.alipan.com)')
    .addHelpText(
      'after',
      `
Examples:
  ferry login 115 my115 --app tv
  ferry login aliyun ali --client-id ID --client-secret SECRET   # --drive resource for the resource drive`,
    )
    .action(async (service: string, remote: string, flags: LoginFlags) => {
      const flow = FLOWS[service];
      if (!flow) throw new UsageError(`login supports ${Object.keys(FLOWS).join(' and ')}, got '${service}'`);
      for (const [flag, name] of Object.entries(FLAG_NAMES) as [ServiceFlag, string][]) {
        if (flags[flag] !== undefined && !flow.flags.includes(flag)) throw new UsageError(`${name} does not apply to ${service} logins`);
      }
      if (!isValidRemoteName(remote)) throw new BadInput(`invalid remote name '${remote}': use letters, digits, _ . -`);
      const pollMs = Number(flags.pollMs);
      if (!Number.isInteger(pollMs) || pollMs < 10) throw new UsageError(`--poll-ms must be a whole number of at least 10, got '${flags.pollMs}'`);
      await flow.run(remote, flags, pollMs);
    });
}
