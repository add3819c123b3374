import { aliyunTokenRequestSchema } from '@ferry/protocols';
import { ApiError } from './api-error.js';
import { parseBody } from './parse.js';
import type { EmulatorState } from './state.js';

/**
 * POST /oauth/access_token. Only the refresh_token grant is served: the authorization-code leg
 * needs a browser, and the emulator hands out a refresh token at start instead. `viaRelay` is the
 * token-refresh service route, which (like AList's api.nn.ci) adds the app's secret itself.
 */
export function accessToken(state: EmulatorState, body: unknown, viaRelay: boolean): unknown {
  const req = parseBody(aliyunTokenRequestSchema, body);
  const { config } = state;
  // The OAuth errors' statuses are not given by the sources; 400 for a malformed request, 401 for
  // bad credentials, as OAuth servers usually answer.
  if (!viaRelay) {
    if (req.client_id !== config.clientId) throw new ApiError(400, 'InvalidClientId', 'Client id is invalid.');
    if (req.client_secret !== config.clientSecret) throw new ApiError(401, 'InvalidClientSecret', 'Client secret is invalid.');
  }
  if (req.grant_type === 'authorization_code') throw new ApiError(400, 'InvalidCode', 'The authorization code is invalid.');
  if (req.grant_type !== 'refresh_token') throw new ApiError(400, 'InvalidGrantType', 'grant_type must be authorization_code or refresh_token.');
  if (!req.refresh_token) throw new ApiError(400, 'InvalidParameter.RefreshToken', 'refresh_token is required.');
  return state.tokens.grant(req.refresh_token);
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
export const ALIYUN_SPACE_TOTAL = 8 * 1024 ** 4;

/** Used counts every drive of the user, recycle bin included (see docs/protocol-sources.md). */
export function spaceInfo(state: EmulatorState): unknown {
  return { personal_space_info: { used_size: state.store.usedBytes(), total_size: ALIYUN_SPACE_TOTAL } };
}
