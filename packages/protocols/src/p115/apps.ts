/**
 * Login slots ("ssoent", the second part of the UID cookie) per app name. One session lives in
 * each slot: a new login with the same app kicks the previous one out (web notes §1.1).
 */
export const SSOENT_BY_APP = {
  web: 'A1',
  ios: 'D1',
  bios: 'D2',
  '115ios': 'D3',
  android: 'F1',
  bandroid: 'F2',
  '115android': 'F3',
  ipad: 'H1',
  bipad: 'H2',
  '115ipad': 'H3',
  tv: 'I1',
  apple_tv: 'I2',
  qandroid: 'M1',
  qios: 'N1',
  qipad: 'O1',
  windows: 'P1',
  mac: 'P2',
  linux: 'P3',
  wechatmini: 'R1',
  alipaymini: 'R2',
  harmony: 'S1',
} as const;

export type App115 = keyof typeof SSOENT_BY_APP;

/** Apps whose clients 115 withdrew: logins answer "系统已下架" with state 0 and errno 0. */
export const WITHDRAWN_APPS: readonly App115[] = ['windows', 'mac', 'linux'];

/** The text 115 answers withdrawn-app logins with (OpenList docs, verbatim). */
export const WITHDRAWN_APP_MESSAGE =
  '登录失败，系统已下架！如果你有电脑端的使用需求，我们诚挚邀请你下载体验115产品专属客户端“115浏览器”或在线使用“115网页端(115.com)”，畅享智能高效云生活。';

export function isApp115(name: string): name is App115 {
  return Object.hasOwn(SSOENT_BY_APP, name);
}
