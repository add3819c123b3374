/** The real service; emulators and self-hosted gateways replace it through an endpoint option. */
export const ALIYUN_OPEN_BASE = 'https://openapi.alipan.com';

export const ALIYUN_PATHS = {
  token: '/oauth/access_token',
  authorizeQrCode: '/oauth/authorize/qrcode',
  userInfo: '/oauth/users/info',
  driveInfo: '/adrive/v1.0/user/getDriveInfo',
  spaceInfo: '/adrive/v1.0/user/getSpaceInfo',
  list: '/adrive/v1.0/openFile/list',
  get: '/adrive/v1.0/openFile/get',
  getByPath: '/adrive/v1.0/openFile/get_by_path',
  downloadUrl: '/adrive/v1.0/openFile/getDownloadUrl',
  create: '/adrive/v1.0/openFile/create',
  uploadUrl: '/adrive/v1.0/openFile/getUploadUrl',
  listUploadedParts: '/adrive/v1.0/openFile/listUploadedParts',
  complete: '/adrive/v1.0/openFile/complete',
  update: '/adrive/v1.0/openFile/update',
  move: '/adrive/v1.0/openFile/move',
  copy: '/adrive/v1.0/openFile/copy',
  trash: '/adrive/v1.0/openFile/recyclebin/trash',
  delete: '/adrive/v1.0/openFile/delete',
} as const;

/** GET: the state of a QR authorization, by the `sid` the QR code request answered. */
export function aliyunQrStatusPath(sid: string): string {
  return `/oauth/qrcode/${encodeURIComponent(sid)}/status`;
}

/** The sid in a QR status path, or undefined for any other path. */
export function aliyunQrSidOf(path: string): string | undefined {
  const m = /^\/oauth\/qrcode\/([^/]+)\/status$/.exec(path);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

export type AliyunRateGroup = 'list' | 'download' | 'other';

/** Documented limits per user and app, in requests per second (OpenList's limiter, yuque page). */
export const ALIYUN_RATE_LIMITS: Record<AliyunRateGroup, number> = { list: 4, download: 1, other: 15 };

export function aliyunRateGroupOf(path: string): AliyunRateGroup {
  if (path === ALIYUN_PATHS.list) return 'list';
  if (path === ALIYUN_PATHS.downloadUrl) return 'download';
  return 'other';
}

/** Error codes after which a client refreshes its access token and retries once. */
export const ALIYUN_ACCESS_TOKEN_ERROR_CODES: readonly string[] = ['AccessTokenInvalid', 'AccessTokenExpired', 'I400JD'];

/** The service's time format: UTC with milliseconds, which is what toISOString prints. */
export function formatAliyunTime(ms: number): string {
  return new Date(ms).toISOString();
}
