import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALIYUN_PATHS, type AliyunRateGroup, aliyunQrSidOf, aliyunRateGroupOf } from '@ferry/protocols';
import { ApiError } from './api-error.js';
import { download, putPart } from './data-plane.js';
import type { FaultKind } from './faults.js';
import * as files from './file-api.js';
import { readJson, sendApiError, sendJson } from './http-io.js';
import * as oauth from './oauth-api.js';
import type { EmulatorState } from './state.js';
import * as uploads from './upload-api.js';

type Handler = (state: EmulatorState, body: unknown, accessToken: string) => unknown;

const API: Record<string, Handler> = {
  [ALIYUN_PATHS.driveInfo]: (s) => oauth.driveInfo(s),
  [ALIYUN_PATHS.spaceInfo]: (s) => oauth.spaceInfo(s),
  [ALIYUN_PATHS.list]: files.list,
  [ALIYUN_PATHS.get]: files.get,
  [ALIYUN_PATHS.getByPath]: files.getByPath,
  [ALIYUN_PATHS.downloadUrl]: files.downloadUrl,
  [ALIYUN_PATHS.update]: files.update,
  [ALIYUN_PATHS.move]: files.move,
  [ALIYUN_PATHS.copy]: files.copy,
  [ALIYUN_PATHS.trash]: files.trash,
  [ALIYUN_PATHS.delete]: files.remove,
  [ALIYUN_PATHS.create]: uploads.create,
  [ALIYUN_PATHS.uploadUrl]: uploads.uploadUrl,
  [ALIYUN_PATHS.listUploadedParts]: uploads.listUploadedParts,
  [ALIYUN_PATHS.complete]: uploads.complete,
};

const AUTHED_GET: Record<string, (state: EmulatorState) => unknown> = {
  [ALIYUN_PATHS.userInfo]: oauth.userInfo,
  '/oauth/users/scopes': oauth.scopes,
};

/** The path of the token-refresh service the emulator also plays (AList's api.nn.ci shape). */
export const RELAY_TOKEN_PATH = '/relay/ali_open/token';

function throttled(retryAfterMs: number): ApiError {
  return new ApiError(429, 'TooManyRequests', 'Too Many Requests', {}, { 'x-retry-after': String(retryAfterMs) });
}

/** An injected fault on an API call; true when it answered (or dropped) the request. */
function apiFault(state: EmulatorState, fault: FaultKind | undefined, req: IncomingMessage, res: ServerResponse): boolean {
  if (!fault) return false;
  switch (fault.kind) {
    case 'drop':
      req.socket.destroy();
      return true;
    case 'throttle':
      sendApiError(res, throttled(fault.retryAfterMs ?? 100));
      return true;
    case 'expire':
      // Every access token issued so far expires now; this call then fails authentication as it would.
      state.tokens.expireAccessTokens();
      return false;
    case 'status':
      if ((fault.status ?? 503) === 502) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('Bad Gateway');
      } else {
        sendApiError(res, new ApiError(fault.status ?? 503, fault.code ?? 'ServiceUnavailable', 'The service is temporarily unavailable.'));
      }
      return true;
  }
}

async function handleApi(state: EmulatorState, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  state.stats.requests[path] = (state.stats.requests[path] ?? 0) + 1;
  if (apiFault(state, state.faults.take(path), req, res)) return;
  if (path === ALIYUN_PATHS.token || path === RELAY_TOKEN_PATH) {
    if (req.method !== 'POST') throw new ApiError(405, 'MethodNotAllowed', 'Use POST.');
    return sendJson(res, 200, oauth.accessToken(state, await readJson(req), path === RELAY_TOKEN_PATH));
  }
  if (path === ALIYUN_PATHS.authorizeQrCode) {
    if (req.method !== 'POST') throw new ApiError(405, 'MethodNotAllowed', 'Use POST.');
    return sendJson(res, 200, oauth.authorizeQrCode(state, await readJson(req)));
  }
  const sid = aliyunQrSidOf(path);
  if (sid !== undefined) {
    if (req.method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', 'Use GET.');
    return sendJson(res, 200, oauth.qrCodeStatus(state, sid));
  }
  const getter = AUTHED_GET[path];
  const handler = API[path];
  if (!getter && !handler) {
    // Unknown routes get the gateway's Spring-style 404 body (§1).
    return sendJson(res, 404, { timestamp: new Date(state.now()).toISOString(), status: 404, error: 'Not Found', path });
  }
  if (req.method !== (getter ? 'GET' : 'POST')) throw new ApiError(405, 'MethodNotAllowed', `Use ${getter ? 'GET' : 'POST'}.`);
  const { userId, token } = state.tokens.authenticate(req.headers.authorization);
  const group: AliyunRateGroup = aliyunRateGroupOf(path);
  const wait = state.limiter.take(`${userId}:${state.config.clientId}`, group);
  if (wait > 0) {
    state.stats.throttled++;
    throw throttled(wait);
  }
  if (getter) return sendJson(res, 200, getter(state));
  const body = await readJson(req);
  const driveId = (body as { drive_id?: unknown } | null)?.drive_id;
  if (typeof driveId === 'string' && !state.store.hasDrive(driveId)) {
    throw new ApiError(403, 'UserNotAllowedAccessDrive', `The app is not allowed to access drive ${driveId}.`);
  }
  sendJson(res, 200, handler!(state, body, token));
}

async function route(state: EmulatorState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', state.base);
  try {
    if (url.pathname.startsWith('/oss/upload/') && req.method === 'PUT') return await putPart(state, url, req, res);
    if (url.pathname.startsWith('/oss/download/') && req.method === 'GET') return await download(state, url, req, res);
    await handleApi(state, url.pathname, req, res);
  } catch (err) {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    if (err instanceof ApiError) return sendApiError(res, err);
    sendApiError(res, new ApiError(500, 'InternalError', 'Internal error.'));
    process.emitWarning(`aliyun emulator: ${(err as Error).stack ?? String(err)}`);
  }
}

/** Listens on 127.0.0.1 at a random port; `state.base` is filled in once the port is known. */
export async function listen(state: EmulatorState): Promise<Server> {
  const server = createServer((req, res) => void route(state, req, res));
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return server;
}

export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}
