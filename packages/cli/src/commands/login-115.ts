import { BadInput, ConfigStore, describeZodError } from '@ferry/core';
import { LOGIN_APPS, p115Options, refuseWithdrawnApp, slotNotice, startQrLogin, waitForQrLogin } from '@ferry/providers';
import { UsageError } from '../output.js';
import type { LoginFlags } from './login-flags.js';
import { showQrCode } from './qr-display.js';

const STATUS_TEXT: Record<number, string> = {
  0: 'waiting for the QR code to be scanned with the 115 app',
  1: 'scanned: confirm the login on the phone',
  2: 'confirmed',
};

/** The flags only a 115 login takes. */
export const P115_LOGIN_FLAGS = ['app'] as const;

/** `ferry login 115 REMOTE`: the QR login of an app slot, its cookie saved into a p115 remote. */
export async function login115(remote: string, flags: LoginFlags, pollMs: number): Promise<void> {
  const appName = flags.app ?? 'tv';
  refuseWithdrawnApp(appName);
  const app = LOGIN_APPS.find((a) => a === appName);
  if (!app) throw new UsageError(`--app must be one of ${LOGIN_APPS.join(', ')}, got '${appName}'`);

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
  await showQrCode(ticket.content, flags.qrPng);
  const result = await waitForQrLogin(options, ticket, (status) => process.stderr.write(`Status: ${STATUS_TEXT[status] ?? status}\n`), pollMs);

  const next = { ...saved, cookie: result.cookie };
  const check = p115Options.safeParse(next);
  if (!check.success) throw new BadInput(`remote '${remote}': ${describeZodError(check.error)}`);
  await store.update((config) => {
    config.remotes[remote] = { type: 'p115', ...next };
  });
  process.stderr.write(`Logged in as ${result.userName || result.userId} (user ${result.userId}, app ${app}); session saved into remote '${remote}' in ${store.path}\n`);
}
