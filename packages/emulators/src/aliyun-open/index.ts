import type { Server } from 'node:http';
import type { AliyunCheckNameMode, AliyunRateGroup } from '@ferry/protocols';
import { Content } from './content.js';
import { FaultPlan, type Fault } from './faults.js';
import { newId } from './ids.js';
import { RateLimiter } from './rate-limit.js';
import { QrAuthorizations, QrAutoPhone } from './qr-auth.js';
import { seedFromFolder } from './seed.js';
import { RELAY_TOKEN_PATH, listen, newSecret } from './server.js';
import { UrlSigner } from './signing.js';
import { type AliyunOpenEmulatorStats, type EmulatorState, emptyStats } from './state.js';
import { DriveStore } from './store.js';
import { TokenAuthority } from './tokens.js';
import { UploadSessions } from './uploads.js';

export type { Fault as AliyunOpenFault, FaultKind as AliyunOpenFaultKind, FaultTarget as AliyunOpenFaultTarget } from './faults.js';
export type { AliyunOpenEmulatorStats } from './state.js';

export interface AliyunOpenEmulatorOptions {
  /** A folder whose files are copied into the default drive at start. */
  seed?: string;
  /** Lifetime of access tokens in seconds (7200 as commonly reported). */
  accessTokenTtlSec?: number;
  /** Lifetime of presigned part URLs in seconds (3600 as the Android SDK assumes). */
  partUrlTtlSec?: number;
  /** Per-second limits per endpoint group; false turns throttling off. Documented rates by default. */
  rateLimits?: Partial<Record<AliyunRateGroup, number>> | false;
  strictListLimit?: boolean;
  /** Parts per listUploadedParts page; the rest follow `next_part_number_marker` (page size unconfirmed). Default 100. */
  uploadedPartsPage?: number;
  wrongProof?: 'session' | 'error';
  defaultCheckNameMode?: AliyunCheckNameMode;
  /** Whether the user granted the app the resource drive (getDriveInfo omits it otherwise). */
  grantResourceDrive?: boolean;
  /** Lifetime of QR authorization codes in seconds (180, the iOS SDK's wait). */
  qrTtlSec?: number;
  /** Play the phone: scan each new QR code, then confirm it `afterMs` (1000) after it was issued. */
  qrAutoConfirm?: boolean | { afterMs?: number };
  /** Whether the app may authorize by PKCE without its secret (the console's public-client switch). */
  publicClient?: boolean;
}

export type DriveKind = 'default' | 'resource';

export interface AliyunOpenEmulator {
  base: string;
  client_id: string;
  client_secret: string;
  /** A refresh token issued at start; it is spent by the first refresh that uses it. */
  refresh_token: string;
  /** The default drive's id. */
  drive_id: string;
  resource_drive_id: string;
  /** URL of the token-refresh service (same body as /oauth/access_token, no client_secret needed). */
  token_url: string;
  readonly stats: AliyunOpenEmulatorStats;
  resetStats(): void;
  /** Another refresh token for the same user, as a second authorization would give. */
  issueRefreshToken(): string;
  /** Writes a file by path (folders made on the way), replacing any file of that name. */
  put(path: string, data: Buffer, drive?: DriveKind): void;
  mkdir(path: string, drive?: DriveKind): void;
  /** The bytes of a file by path, or undefined. */
  read(path: string, drive?: DriveKind): Buffer | undefined;
  /** Names directly under a folder, or undefined when it does not exist. */
  names(path: string, drive?: DriveKind): string[] | undefined;
  /** Files created for an upload that neither landed nor were deleted: what a dropped session leaves behind. */
  uploadingFiles(drive?: DriveKind): number;
  /** Content some other user of the service holds: rapid upload can land it, no listing shows it. */
  addBlob(data: Buffer): void;
  inject(fault: Fault): void;
  clearFaults(): void;
  /** Moves the emulator's clock forward: tokens and presigned URLs expire as time passes. */
  advanceClock(ms: number): void;
  expireAccessTokens(): void;
  /** The user withdraws the app's authorization: every access and refresh token issued so far is refused. */
  revokeAuthorization(): void;
  /** The phone scans the QR code of this sid, then confirms (the user authorizes the app). */
  scanQr(sid: string): void;
  confirmQr(sid: string): void;
  /** Every QR code not yet confirmed expires now. */
  expireQrCodes(): void;
  setRateLimits(limits: Partial<Record<AliyunRateGroup, number>> | false): void;
  setPartUrlTtl(seconds: number): void;
  close(): Promise<void>;
}

/** Starts an Aliyun Drive Open API emulator on 127.0.0.1 at a random port. */
export async function startAliyunOpenEmulator(options: AliyunOpenEmulatorOptions = {}): Promise<AliyunOpenEmulator> {
  let clockOffset = 0;
  const now = () => Date.now() + clockOffset;
  const config = {
    clientId: newSecret('').slice(0, 32),
    clientSecret: newSecret(''),
    userId: newId().slice(0, 32),
    userName: 'ferry-emulator',
    defaultDriveId: String(10_000_000 + Math.floor(Math.random() * 80_000_000)),
    resourceDriveId: String(90_000_000 + Math.floor(Math.random() * 9_000_000)),
    partUrlTtlSec: options.partUrlTtlSec ?? 3600,
    strictListLimit: options.strictListLimit ?? false,
    uploadedPartsPage: options.uploadedPartsPage ?? 100,
    wrongProof: options.wrongProof ?? 'session',
    defaultCheckNameMode: options.defaultCheckNameMode ?? 'ignore',
    grantResourceDrive: options.grantResourceDrive ?? true,
    publicClient: options.publicClient ?? true,
  };
  const tokens = new TokenAuthority(now, options.accessTokenTtlSec ?? 7200);
  const state: EmulatorState = {
    base: '',
    config,
    now,
    store: new DriveStore(config.grantResourceDrive ? [config.defaultDriveId, config.resourceDriveId] : [config.defaultDriveId], now),
    tokens,
    qr: new QrAuthorizations(now, options.qrTtlSec ?? 180),
    uploads: new UploadSessions(),
    signer: new UrlSigner(now),
    limiter: new RateLimiter(options.rateLimits ?? {}, now),
    faults: new FaultPlan(),
    stats: emptyStats(),
  };
  if (options.seed) await seedFromFolder(state.store, config.defaultDriveId, options.seed);
  const server: Server = await listen(state);
  const autoConfirm = options.qrAutoConfirm;
  const autoPhone = autoConfirm ? new QrAutoPhone(state.qr, config.userId, (typeof autoConfirm === 'object' ? autoConfirm.afterMs : undefined) ?? 1000) : undefined;
  const driveOf = (kind: DriveKind = 'default') => (kind === 'resource' ? config.resourceDriveId : config.defaultDriveId);

  return {
    base: state.base,
    client_id: config.clientId,
    client_secret: config.clientSecret,
    refresh_token: tokens.issueRefreshToken(config.userId),
    drive_id: config.defaultDriveId,
    resource_drive_id: config.resourceDriveId,
    token_url: `${state.base}${RELAY_TOKEN_PATH}`,
    get stats() {
      return { ...state.stats, requests: { ...state.stats.requests }, refreshGrants: tokens.refreshGrants };
    },
    resetStats() {
      state.stats = emptyStats();
      tokens.refreshGrants = 0;
    },
    issueRefreshToken: () => tokens.issueRefreshToken(config.userId),
    put: (path, data, drive) => void state.store.putPath(driveOf(drive), path, data),
    mkdir: (path, drive) => void state.store.mkdirPath(driveOf(drive), path),
    read(path, drive) {
      const node = state.store.byPath(driveOf(drive), path);
      return node?.type === 'file' && node.content ? node.content.read(0, node.content.size) : undefined;
    },
    names(path, drive) {
      const node = state.store.byPath(driveOf(drive), path);
      if (node?.type !== 'folder') return undefined;
      return state.store.children(driveOf(drive), node.file_id).map((n) => n.name).sort();
    },
    uploadingFiles: (drive) => state.store.uploading(driveOf(drive)),
    addBlob: (data) => state.store.blobs.add(Content.of(data)),
    inject: (fault) => state.faults.inject(fault),
    clearFaults: () => state.faults.clear(),
    advanceClock(ms) {
      clockOffset += ms;
    },
    expireAccessTokens: () => tokens.expireAccessTokens(),
    revokeAuthorization: () => tokens.revokeAll(),
    scanQr: (sid) => state.qr.scan(sid),
    confirmQr: (sid) => state.qr.confirm(sid, config.userId),
    expireQrCodes: () => state.qr.expireAll(),
    setRateLimits(limits) {
      state.limiter.limits = limits === false ? false : new RateLimiter(limits, now).limits;
    },
    setPartUrlTtl(seconds) {
      config.partUrlTtlSec = seconds;
    },
    close: () =>
      new Promise<void>((resolve) => {
        autoPhone?.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The one JSON line `ferry emulate aliyun-open --json` prints, for any outside client. */
export function formatAliyunOpenEmulatorJson(emulator: AliyunOpenEmulator): string {
  const { base, client_id, client_secret, refresh_token, drive_id } = emulator;
  return JSON.stringify({ base, client_id, client_secret, refresh_token, drive_id });
}

export { aliyunOpenEmulatorOptions, aliyunOpenEmulatorRemote } from './remote-options.js';
export type { AliyunOpenEmulatorEndpoints } from './remote-options.js';
