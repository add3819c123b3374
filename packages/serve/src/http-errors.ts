import { BadInput, FerryError, errorMessage } from '@ferry/core';

/** An API refusal with its HTTP status; the message is the whole answer, never a stack. */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 415 | 500 | 503,
    message: string,
  ) {
    super(message);
  }
}

export function notFound(message: string): HttpError {
  return new HttpError(404, message);
}

/** The status and one-line message for any error a route throws. */
export function httpErrorOf(err: unknown): { status: HttpError['status']; message: string } {
  if (err instanceof HttpError) return { status: err.status, message: err.message };
  const message = errorMessage(err).split('\n')[0] ?? 'error';
  if (err instanceof BadInput) return { status: 400, message };
  if (err instanceof Error && err.name === 'RedisUnavailable') return { status: 503, message };
  if (err instanceof FerryError) return { status: 400, message };
  return { status: 500, message };
}
