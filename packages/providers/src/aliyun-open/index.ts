import { registerProvider } from '@ferry/core';
import { aliyunOpenLoginFlow } from './login-flow.js';
import { aliyunOpenFormerOptions, aliyunOpenOptions } from './options.js';
import { AliyunOpenProvider } from './provider.js';

export function registerAliyunOpen(): void {
  registerProvider({
    type: 'aliyun-open',
    description: 'Aliyun Drive (阿里云盘) through its Open Platform API, or any server that speaks it',
    options: aliyunOpenOptions,
    secrets: ['refresh_token', 'access_token', 'client_secret'],
    formerOptions: aliyunOpenFormerOptions,
    create: (remote, options, context) => new AliyunOpenProvider(remote, options, context),
    login: aliyunOpenLoginFlow,
  });
}

export { AliyunOpenProvider, aliyunOpenOptions };
export { AccessTokenExpired } from './token.js';
export type { AliyunOpenOptions } from './options.js';
export {
  ALIYUN_QR_CODES,
  ALIYUN_QR_STATUS_TEXT,
  finishAliyunQrLogin,
  pollAliyunQrStatus,
  startAliyunQrLogin,
  waitForAliyunQrLogin,
} from './qrcode-login.js';
export type { AliyunQrLoginResult, AliyunQrLoginSettings, AliyunQrStatus, AliyunQrTicket } from './qrcode-login.js';
