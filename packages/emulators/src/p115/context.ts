import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RsaPrivateKey } from '@ferry/protocols';
import type { QrTokens } from './qrcode.js';
import type { Faults, RiskControl } from './risk.js';
import type { Session, Sessions } from './sessions.js';
import type { UserTree } from './store.js';
import type { Cdn } from './cdn.js';
import type { OfflineTasks } from './offline-tasks.js';
import type { ShareOptions, ShareStore } from './shares.js';
import type { UploadState } from './upload-state.js';

/** Everything the route handlers share: the state of the emulated 115. */
export interface P115EmulatorContext {
  baseUrl: string;
  users: Map<string, UserTree>;
  sessions: Sessions;
  qr: QrTokens;
  risk: RiskControl;
  faults: Faults;
  rsa: RsaPrivateKey;
  cdn: Cdn;
  offline: Map<string, OfflineTasks>;
  offlineQuota: number;
  shares: ShareStore;
  /** Mutable: the emulator's share switches (share notes §10). */
  shareOptions: ShareOptions;
  /** Upload keys, pending uploads, STS credentials, the rapid-upload blob store (upload-state.ts). */
  upload: UploadState;
}

export interface Call {
  ctx: P115EmulatorContext;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The path below the host prefix ("/files" for "/webapi/files"). */
  path: string;
}

export interface AuthedCall extends Call {
  session: Session;
  tree: UserTree;
}

/** A route that anonymous callers may use too (share snap); the session is there when the cookie is valid. */
export interface MaybeAuthedCall extends Call {
  session?: Session;
  tree?: UserTree;
}

/** A webapi/proapi-style failure: HTTP 200, `state:false`, the code under both spellings. */
export function apiError(errno: number, error: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { state: false, errno, errNo: errno, error, ...extra };
}
