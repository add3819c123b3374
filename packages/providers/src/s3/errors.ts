import { AuthError, BadInput, type FerryError, IntegrityError, NotFound, RateLimited, TransientError } from '@ferry/core';

/** What an SDK error carries that decides its type. */
interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

function fields(err: unknown): SdkError {
  return (err ?? {}) as SdkError;
}

export function errorName(err: unknown): string {
  return fields(err).name ?? '';
}

function httpStatus(err: unknown): number | undefined {
  return fields(err).$metadata?.httpStatusCode;
}

/** The server did not implement the call (s3rver: ListParts, AbortMultipartUpload, UploadPartCopy). */
export function isUnsupported(err: unknown): boolean {
  const name = errorName(err);
  return name === 'NotImplemented' || name === 'MethodNotAllowed' || httpStatus(err) === 501 || httpStatus(err) === 405;
}

const AUTH = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'Forbidden', 'InvalidToken', 'AllAccessDisabled', 'AccountProblem', 'CredentialsProviderError']);
const EXPIRED = new Set(['ExpiredToken', 'TokenRefreshRequired', 'RequestExpired', 'ExpiredTokenException']);
/** Node's codes (the SDK's requests) and undici's (the direct ones: a closed socket, a timeout). */
const NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'TimeoutError',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Where the settings come from, for messages: never a secret. */
export interface S3Where {
  remote: string;
  bucket: string;
  endpoint: string;
  region: string;
}

/** Turns an SDK failure into Ferry's typed error, naming the remote, the path and what to do. */
export function s3Error(err: unknown, where: string, site: S3Where): FerryError | Error {
  const e = fields(err);
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  const options = { cause: err };
  const netCode = e.code ?? name;
  if (NETWORK.has(netCode) || (status === undefined && NETWORK.has(name))) {
    return new TransientError(`${where}: cannot reach S3 endpoint ${site.endpoint} (${netCode}); check endpoint= and the network`, options);
  }
  if (name === 'NoSuchBucket') {
    return new BadInput(`${where}: bucket '${site.bucket}' does not exist at ${site.endpoint}; check bucket= of remote '${site.remote}'`, options);
  }
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) return new NotFound(`${where}: not found`, options);
  const region = e.$response?.headers?.['x-amz-bucket-region'];
  if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || name === 'IncorrectEndpoint' || status === 301) {
    const hint = region ? `set region=${region}` : 'set region= to the bucket\'s region';
    return new BadInput(`${where}: bucket '${site.bucket}' is not in region ${site.region}; ${hint} on remote '${site.remote}'`, options);
  }
  if (EXPIRED.has(name)) {
    return new AuthError(`${where}: the S3 credentials of remote '${site.remote}' have expired (${name}); store fresh ones with \`ferry remote add\``, options);
  }
  if (AUTH.has(name) || status === 403) {
    return new AuthError(`${where}: S3 refused the credentials of remote '${site.remote}' (${name || status}); check access_key_id and secret_access_key`, options);
  }
  if (name === 'SlowDown' || name === 'TooManyRequests' || status === 503 || status === 429) {
    return new RateLimited(`${where}: S3 asked to slow down (${name || status})`, 2000, options);
  }
  if (name === 'BadDigest' || name === 'InvalidDigest' || name === 'XAmzContentSHA256Mismatch') {
    return new IntegrityError(`${where}: S3 found the bytes sent differ from their checksum (${name})`, options);
  }
  if (name === 'NoSuchUpload') return new TransientError(`${where}: the multipart upload is gone (NoSuchUpload); it starts over`, options);
  if ((status !== undefined && status >= 500) || name === 'RequestTimeout' || name === 'InternalError') {
    return new TransientError(`${where}: S3 answered ${status ?? ''} ${name}; try again later`, options);
  }
  if (status !== undefined) return new BadInput(`${where}: S3 refused the request (${status} ${name}: ${e.message ?? ''})`, options);
  return err instanceof Error ? err : new Error(String(err));
}
