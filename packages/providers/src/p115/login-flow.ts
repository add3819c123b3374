import { BadInput, type LoginFlow, UsageError, describeZodError } from '@ferry/core';
import { p115Options } from './options.js';
import { LOGIN_APPS, refuseWithdrawnApp, slotNotice, startQrLogin, waitForQrLogin } from './qrcode-login.js';

const STATUS_TEXT: Record<number, string> = {
  0: 'waiting for the QR code to be scanned with the 115 app',
  1: 'scanned: confirm the login on the phone',
  2: 'confirmed',
};

/** `ferry login p115 REMOTE`: the QR login of an app slot, its cookie saved into the remote. */
export const p115LoginFlow: LoginFlow = {
  name: 'p115',
  legacyNames: ['115'],
  description: 'QR login of one of 115\'s app slots; saves the session cookie',
  flags: [{ flag: '--app <app>', description: `app slot to log in as: ${LOGIN_APPS.join('|')} (default tv)` }],
  examples: ['ferry login p115 my115 --app tv'],
  async run({ remote, saved = {}, flags, pollMs, emit }) {
    const appName = flags['app'] ?? 'tv';
    refuseWithdrawnApp(appName);
    const app = LOGIN_APPS.find((a) => a === appName);
    if (!app) throw new UsageError(`--app must be one of ${LOGIN_APPS.join(', ')}, got '${appName}'`);
    // Options are checked when a remote is used, not when the config is loaded: this is the use.
    const current = p115Options.safeParse(saved);
    if (!current.success) throw new BadInput(`remote '${remote}': ${describeZodError(current.error)}`);
    const options = current.data;

    await emit({ kind: 'notice', text: slotNotice(app) });
    const ticket = await startQrLogin(options, app);
    await emit({ kind: 'qr', content: ticket.content });
    const result = await waitForQrLogin(options, ticket, (status) => emit({ kind: 'status', text: STATUS_TEXT[status] ?? String(status) }), pollMs);

    const next = { ...saved, cookie: result.cookie };
    const check = p115Options.safeParse(next);
    if (!check.success) throw new BadInput(`remote '${remote}': ${describeZodError(check.error)}`);
    return {
      options: () => next,
      done: ({ configPath }) =>
        `Logged in as ${result.userName || result.userId} (user ${result.userId}, app ${app}); session saved into remote '${remote}' in ${configPath}`,
    };
  },
};
