import {
  AuthError,
  BadInput,
  Conflict,
  type FerryError,
  IntegrityError,
  NotFound,
  RateLimited,
  TransientError,
} from '@ferry/core';
import { aliyunErrorSchema } from '@ferry/protocols';

/** What the service answered, kept as the `cause` of the typed error so callers can read the code. */
export class AliyunOpenApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${status} ${code}: ${detail}`);
  }
}

/** The service's error code behind a typed error, if the service answered one. */
export function apiCode(err: unknown): string | undefined {
  const cause = (err as { cause?: unknown } | null)?.cause;
  return cause instanceof AliyunOpenApiFailure ? cause.code : undefined;
}

export function parseFailure(status: number, text: string): AliyunOpenApiFailure {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const body = aliyunErrorSchema.safeParse(json);
  if (body.success) return new AliyunOpenApiFailure(status, body.data.code, body.data.message ?? '');
  return new AliyunOpenApiFailure(status, `HTTP${status}`, text.slice(0, 200));
}

const NOT_FOUND = new Set(['NotFound.File', 'NotFound.FileId', 'NotFound.UploadId', 'ForbiddenFileInTheRecycleBin']);
const AUTH = new Set([
  'AccessTokenInvalid',
  'AccessTokenExpired',
  'RefreshTokenExpired',
  'RefreshTokenInvalid',
  'PermissionDenied',
  'UserNotAllowedAccessDrive',
  'InvalidClientId',
  'InvalidClientSecret',
  'AppNotExists',
]);

/** Turns an answer of the service into Ferry's typed error, naming where and what to do. */
export function typedError(failure: AliyunOpenApiFailure, where: string, retryAfterHeader?: string): FerryError {
  const { status, code } = failure;
  const options = { cause: failure };
  if (status === 429 || code === 'TooManyRequests') {
    // x-retry-after is in milliseconds (tickstep waits that plus a second).
    const ms = Number(retryAfterHeader);
    return new RateLimited(`${where}: throttled by Aliyun Drive (TooManyRequests)`, Number.isFinite(ms) && ms > 0 ? ms + 1000 : 2000, options);
  }
  if (NOT_FOUND.has(code)) return new NotFound(`${where}: not found (${code})`, options);
  if (AUTH.has(code)) {
    return new AuthError(
      `${where}: Aliyun Drive refused the credentials (${code}); authorize again with \`ferry login aliyun-open REMOTE\``,
      options,
    );
  }
  if (code === 'PreHashMatched' || code.startsWith('AlreadyExist')) return new Conflict(`${where}: ${code}`, options);
  if (code === 'InvalidContentHash') return new IntegrityError(`${where}: the uploaded bytes do not hash to the declared SHA-1`, options);
  if (status >= 500 || status === 408) return new TransientError(`${where}: Aliyun Drive answered ${status} (${code}); try again later`, options);
  return new BadInput(`${where}: Aliyun Drive refused the request (${status} ${code}: ${failure.detail})`, options);
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED']);

/** A failed connection is temporary; anything else passes through unchanged. */
export function networkError(err: unknown, where: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return new TransientError(`${where}: connection to Aliyun Drive failed (${code}); try again`, { cause: err });
  }
  return err;
}
