import { Readable } from 'node:stream';
import { FerryError, type Pacer, type RequestClasses, accountKey } from '@ferry/core';
import type { S3Client } from '@aws-sdk/client-s3';
import { type S3Where, errorName, isUnsupported, s3Error } from './errors.js';
import type { S3Options } from './options.js';

/**
 * S3 publishes no request rate to keep under: requests go unpaced, but a SlowDown (503, 429)
 * pauses the account for two seconds, at most twice within one request (as often as the SDK's
 * standard retry would) before the engine decides; a 5xx or a dropped connection is sent again
 * up to three times in all.
 */
export const s3RequestClasses: RequestClasses = {
  request: { perSecond: 0, attempts: 3, coolDown: { baseMs: 500, maxMs: 20_000, pauses: 2 } },
  /** A streamed body cannot be sent twice: a failure goes to the engine, whose retry reopens the source. */
  stream: { perSecond: 0, coolDown: { baseMs: 500, maxMs: 20_000, pauses: 0 } },
};

/** One bucket of one service, reached with one key (or the SDK's default credentials). */
export function s3Account(options: Pick<S3Options, 'endpoint' | 'bucket' | 'access_key_id'>): string {
  return accountKey(`s3@${options.endpoint || 'aws'}/${options.bucket}`, options.access_key_id || 'default-credentials');
}

/** What a finalize-step middleware is handed: the command's input and the signed HTTP request. */
interface FinalizeArgs {
  input: object;
  request: unknown;
}

/**
 * One request through the pacer: the pacer decides on the typed error, and what reaches the
 * provider is the request's own error as it was (the SDK's, or the direct requests' of the same
 * shape), for the provider's messages that name the path.
 */
export async function pacedS3Request<T>(pacer: Pacer, site: S3Where, cls: 'request' | 'stream', send: () => Promise<T>): Promise<T> {
  try {
    return await pacer.call(cls, async () => {
      try {
        return await send();
      } catch (err) {
        throw typedForPacer(err, site);
      }
    });
  } catch (err) {
    throw sdkCause(err);
  }
}

/** Sends every SDK request through the pacer; the SDK's own retry is off (maxAttempts 1). */
export function paceS3Client(client: S3Client, pacer: Pacer, site: S3Where): void {
  // A finalize-step middleware: each of its calls of `next` is one signed request.
  const middleware = (next: (args: FinalizeArgs) => Promise<unknown>) => async (args: FinalizeArgs) => {
    const cls = (args.request as { body?: unknown } | undefined)?.body instanceof Readable ? 'stream' : 'request';
    return pacedS3Request(pacer, site, cls, () => next(args));
  };
  const options = { name: 'ferryPacer', relation: 'before', toMiddleware: 'retryMiddleware' } as const;
  client.middlewareStack.addRelativeTo(middleware as Parameters<S3Client['middlewareStack']['addRelativeTo']>[0], options);
}

/**
 * What the pacer decides on. A call the server does not implement, or an upload it no longer
 * knows, fails the same way when sent again: it reaches the provider at once, as it always did.
 */
function typedForPacer(err: unknown, site: S3Where): unknown {
  if (isUnsupported(err) || errorName(err) === 'NoSuchUpload') return err;
  return s3Error(err, `remote '${site.remote}'`, site);
}

/** The SDK's error under the typed ones the pacer saw. */
function sdkCause(err: unknown): unknown {
  let at = err;
  while (at instanceof FerryError && at.cause !== undefined) at = at.cause;
  return at;
}
