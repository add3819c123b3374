import { registerProvider } from '@ferry/core';
import { offlineCommand } from './commands/offline.js';
import { p115LoginFlow } from './login-flow.js';
import { p115FormerOptions, p115Options } from './options.js';
import { P115Provider } from './provider.js';

export function registerP115(): void {
  registerProvider({
    type: 'p115',
    description: '115 cloud drive (cookie login; `ferry login p115 REMOTE` sets the cookie by QR code)',
    options: p115Options,
    secrets: ['cookie'],
    formerOptions: p115FormerOptions,
    create: (remote, options, context) => new P115Provider(remote, options, context),
    login: p115LoginFlow,
    commands: [offlineCommand],
  });
}

export { P115Provider, p115Options };
export type { P115Options } from './options.js';
export { offlineAdd, offlineFailureText, offlineList, offlineRemove, offlineStatusText } from './offline.js';
export type { OfflineAddResult } from './offline.js';
export { LOGIN_APPS, finishQrLogin, refuseWithdrawnApp, pollQrStatus, slotNotice, startQrLogin, waitForQrLogin } from './qrcode-login.js';
export type { QrLoginEndpoints, QrLoginResult, QrTicket } from './qrcode-login.js';
export { ShareReceiver, DEFAULT_RECEIVE_POLLING } from './share-receive.js';
export type { ReceivePolling } from './share-receive.js';
export { isP115ShareSource } from './share-source.js';
export type { P115ShareSource } from './share-source.js';
export { shareProblemOf } from './share-errors.js';
export type { ShareProblem } from './share-errors.js';
