import type { AliyunCheckNameMode } from '@ferry/protocols';
import type { FaultPlan } from './faults.js';
import type { QrAuthorizations } from './qr-auth.js';
import type { RateLimiter } from './rate-limit.js';
import type { UrlSigner } from './signing.js';
import type { DriveStore } from './store.js';
import type { TokenAuthority } from './tokens.js';
import type { UploadSessions } from './uploads.js';

/** Counters tests read to prove what crossed the wire. */
export interface AliyunOpenEmulatorStats {
  /** API calls by path, throttled and faulted ones included. */
  requests: Record<string, number>;
  /** Body bytes sent by download URLs. */
  downloadBytes: number;
  /** Body bytes received by part PUTs. */
  putBytes: number;
  refreshGrants: number;
  preHashMatches: number;
  rapidHits: number;
  /** Rapid-upload attempts whose proof_code did not match the held bytes. */
  proofRejected: number;
  uploadUrlRenewals: number;
  /** Presigned URLs refused because they had expired. */
  expiredUrls: number;
  /** Calls answered 429 by the rate limiter. */
  throttled: number;
}

export function emptyStats(): Omit<AliyunOpenEmulatorStats, 'refreshGrants'> {
  return { requests: {}, downloadBytes: 0, putBytes: 0, preHashMatches: 0, rapidHits: 0, proofRejected: 0, uploadUrlRenewals: 0, expiredUrls: 0, throttled: 0 };
}

export interface EmulatorConfig {
  clientId: string;
  clientSecret: string;
  userId: string;
  userName: string;
  defaultDriveId: string;
  resourceDriveId: string;
  partUrlTtlSec: number;
  /** Reject list calls with limit > 100 instead of clamping them. */
  strictListLimit: boolean;
  /**
   * Parts per listUploadedParts page. The reply pages with `next_part_number_marker`, "empty on the
   * last page" (tickstep FileUploadListUploadedPartsResult); the page size is not in the sources.
   */
  uploadedPartsPage: number;
  /**
   * What a wrong proof_code gets. Whether the open API answers an error (the web API's
   * InvalidRapidProof) or a normal upload session with rapid_upload false is unconfirmed; the
   * session is the default because every client then falls back to uploading the parts.
   */
  wrongProof: 'session' | 'error';
  /** check_name_mode when a create leaves it out (undocumented; the iOS SDK's `ignore`). */
  defaultCheckNameMode: AliyunCheckNameMode;
  grantResourceDrive: boolean;
  /** Whether the app is a public client (PKCE without its secret); a developer-console switch. */
  publicClient: boolean;
}

export interface EmulatorState {
  base: string;
  config: EmulatorConfig;
  now(): number;
  store: DriveStore;
  tokens: TokenAuthority;
  qr: QrAuthorizations;
  uploads: UploadSessions;
  signer: UrlSigner;
  limiter: RateLimiter;
  faults: FaultPlan;
  stats: ReturnType<typeof emptyStats>;
}
