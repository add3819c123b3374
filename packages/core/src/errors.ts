/**
 * Typed errors. The engine, not each provider, decides retries: it looks only at `retryable`
 * (and `retryAfterMs` for rate limits). Messages are written for the user: which remote, which
 * path, what to do. They never carry a secret.
 */
export type ErrorCode =
  | 'AuthError'
  | 'NotFound'
  | 'Conflict'
  | 'RateLimited'
  | 'ShareExpired'
  | 'TransientError'
  | 'IntegrityError'
  | 'BadInput';

export abstract class FerryError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class AuthError extends FerryError {
  readonly code = 'AuthError';
  readonly retryable = false;
}

export class NotFound extends FerryError {
  readonly code = 'NotFound';
  readonly retryable = false;
}

export class Conflict extends FerryError {
  readonly code = 'Conflict';
  readonly retryable = false;
}

export class RateLimited extends FerryError {
  readonly code = 'RateLimited';
  readonly retryable = true;
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class ShareExpired extends FerryError {
  readonly code = 'ShareExpired';
  readonly retryable = false;
}

export class TransientError extends FerryError {
  readonly code = 'TransientError';
  readonly retryable = true;
}

export class IntegrityError extends FerryError {
  readonly code = 'IntegrityError';
  readonly retryable = false;
}

export class BadInput extends FerryError {
  readonly code = 'BadInput';
  readonly retryable = false;
}

/** Network-level failures from Node (reset sockets, refused connections) are worth retrying. */
const TRANSIENT_SYSCALL_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export function isRetryable(err: unknown): boolean {
  if (err instanceof FerryError) return err.retryable;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_SYSCALL_CODES.has(code);
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
