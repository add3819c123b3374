import { type AliyunTokenRequest, aliyunQrCodeRequestSchema, aliyunTokenRequestSchema } from '@ferry/protocols';
import { ApiError } from './api-error.js';
import { parseBody } from './parse.js';
import type { EmulatorState } from './state.js';

/** The client id check every OAuth call makes; the body is the one seen from the service. */
function checkClientId(state: EmulatorState, clientId: string | undefined): void {
  if (clientId !== state.config.clientId) throw new ApiError(400, 'InvalidClientId', 'invalid client_id');
}

/**
 * POST /oauth/access_token. `viaRelay` is the token-refresh service route, which (like AList's
 * api.nn.ci) adds the app's secret itself.
 */
export function accessToken(state: EmulatorState, body: unknown, viaRelay: boolean): unknown {
  const req = parseBody(aliyunTokenRequestSchema, body);
  // The OAuth errors' statuses are not given by the sources; 400 for a malformed request, 401 for
  // bad credentials, as OAuth servers usually answer.
  if (!viaRelay) checkClientId(state, req.client_id);
  if (req.grant_type === 'authorization_code') return codeGrant(state, req, viaRelay);
  if (!viaRelay && req.client_secret !== state.config.clientSecret) throw new ApiError(401, 'InvalidClientSecret', 'Client secret is invalid.');
  if (req.grant_type !== 'refresh_token') throw new ApiError(400, 'InvalidGrantType', 'grant_type must be authorization_code or refresh_token.');
  if (!req.refresh_token) throw new ApiError(400, 'InvalidParameter.RefreshToken', 'refresh_token is required.');
  return state.tokens.grant(req.refresh_token);
}

/**
 * The authorization_code grant: with the app's secret, or by PKCE (`code_verifier`, no secret),
 * which only a public client may use; otherwise the secret is what is missing (aliyunpan-ios-sdk#29).
 */
function codeGrant(state: EmulatorState, req: AliyunTokenRequest, viaRelay: boolean): unknown {
  const { config } = state;
  const withSecret = viaRelay || !!req.client_secret;
  if (withSecret && !viaRelay && req.client_secret !== config.clientSecret) throw new ApiError(401, 'InvalidClientSecret', 'Client secret is invalid.');
  if (!withSecret && (!config.publicClient || req.code_verifier === undefined)) throw new ApiError(401, 'InvalidClientSecret', 'Client secret is invalid.');
  if (!req.code) throw new ApiError(400, 'InvalidParameter.Code', 'code is required.');
  const userId = state.qr.redeem(req.code, viaRelay ? config.clientId : (req.client_id ?? ''), req.code_verifier, withSecret);
  return withSecret ? state.tokens.grantPair(userId) : state.tokens.grantPkce(userId);
}

/** POST /oauth/authorize/qrcode: a QR authorization for the app; the secret is checked only at the token call. */
export function authorizeQrCode(state: EmulatorState, body: unknown): unknown {
  const req = parseBody(aliyunQrCodeRequestSchema, body);
  checkClientId(state, req.client_id);
  const challenge = req.code_challenge ? { value: req.code_challenge, method: req.code_challenge_method ?? 'plain' } : undefined;
  const sid = state.qr.issue(req.client_id, challenge);
  return { qrCodeUrl: `${state.base}/oauth/qrcode/${sid}`, sid };
}

/** GET /oauth/qrcode/{sid}/status: needs no token, the sid is the secret. */
export function qrCodeStatus(state: EmulatorState, sid: string): unknown {
  return state.qr.status(sid);
}

export function userInfo(state: EmulatorState): unknown {
  return { id: state.config.userId, name: state.config.userName, avatar: '', phone: null };
}

export function scopes(state: EmulatorState): unknown {
  return { id: state.config.userId, scopes: [{ scope: 'user:base' }, { scope: 'file:all:read' }, { scope: 'file:all:write' }] };
}

export function driveInfo(state: EmulatorState): unknown {
  const { config } = state;
  return {
    user_id: config.userId,
    name: config.userName,
    avatar: '',
    default_drive_id: config.defaultDriveId,
    // Granted drives only (§3); the backup drive is never offered.
    ...(config.grantResourceDrive ? { resource_drive_id: config.resourceDriveId } : {}),
  };
}

/** Every emulated account's quota (the size sold varies; a client only reads it). */
const ALIYUN_SPACE_TOTAL = 8 * 1024 ** 4;

/** Used counts every drive of the user, recycle bin included (see docs/protocol-sources.md). */
export function spaceInfo(state: EmulatorState): unknown {
  return { personal_space_info: { used_size: state.store.usedBytes(), total_size: ALIYUN_SPACE_TOTAL } };
}
