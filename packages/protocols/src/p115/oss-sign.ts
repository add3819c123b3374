import { createHash, createHmac } from 'node:crypto';

/**
 * Aliyun OSS V1 header signing, which 115's real uploads use with STS credentials (web notes
 * §4.5). Signed by hand because 115 needs the callback headers and answers
 * CompleteMultipartUpload with its own JSON, which SDKs trip over.
 *
 * StringToSign = VERB \n Content-MD5 \n Content-Type \n Date \n
 *                CanonicalizedOSSHeaders (lower-cased `x-oss-*` "name:value\n", sorted)
 *                CanonicalizedResource (/bucket/object, then the signed sub-resources, sorted)
 */

/**
 * Query parameters that are part of the canonical resource; any other query parameter is not
 * signed. The list of the Aliyun SDKs (elevengo copies it), so a verifier picks the same ones.
 */
const OSS_SIGNED_SUBRESOURCES: ReadonlySet<string> = new Set([
  'acl', 'uploads', 'location', 'cors', 'logging', 'website', 'referer', 'lifecycle', 'delete', 'append',
  'tagging', 'objectMeta', 'uploadId', 'partNumber', 'security-token', 'position', 'img', 'style',
  'styleName', 'replication', 'replicationProgress', 'replicationLocation', 'cname', 'bucketInfo', 'comp',
  'qos', 'live', 'status', 'vod', 'startTime', 'endTime', 'symlink', 'x-oss-process',
  'response-content-type', 'x-oss-traffic-limit', 'response-content-language', 'response-expires',
  'response-cache-control', 'response-content-disposition', 'response-content-encoding', 'udf', 'udfName',
  'udfImage', 'udfId', 'udfImageDesc', 'udfApplication', 'udfApplicationLog', 'restore', 'callback',
  'callback-var', 'qosInfo', 'policy', 'stat', 'encryption', 'versions', 'versioning', 'versionId',
  'requestPayment', 'x-oss-request-payer', 'sequential', 'inventory', 'inventoryId', 'continuation-token',
  'asyncFetch', 'worm', 'wormId', 'wormExtend', 'withHashContext', 'x-oss-enable-md5', 'x-oss-enable-sha1',
  'x-oss-enable-sha256', 'x-oss-hash-ctx', 'x-oss-md5-ctx', 'transferAcceleration', 'regionList',
]);

export interface OssRequestToSign {
  verb: string;
  bucket: string;
  /** The object key without a leading slash, not URL-encoded. */
  object: string;
  /** Request headers as sent, names in any case. */
  headers: Readonly<Record<string, string>>;
  /** The query parameters; "" means a bare name (`?uploads`). Unsigned ones are ignored. */
  query?: Readonly<Record<string, string>>;
}

/** Byte-order comparison, as the SDKs sort (not locale order). */
function byName<T>([a]: [string, T], [b]: [string, T]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function header(headers: Readonly<Record<string, string>>, name: string): string {
  const found = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
  return found ? found[1].trim() : '';
}

/** Each `x-oss-*` header as "name:value\n", names lower-cased, spaces around the value removed, sorted. */
function ossCanonicalHeaders(headers: Readonly<Record<string, string>>): string {
  return Object.entries(headers)
    .map(([k, v]): [string, string] => [k.trim().toLowerCase(), v.trim()])
    .filter(([k]) => k.startsWith('x-oss-'))
    .sort(byName)
    .map(([k, v]) => `${k}:${v}\n`)
    .join('');
}

/** "/bucket/object" plus the signed sub-resources, sorted, as "?a&b=v". */
export function ossCanonicalResource(bucket: string, object: string, query: Readonly<Record<string, string>> = {}): string {
  const sub = Object.entries(query)
    .filter(([k]) => OSS_SIGNED_SUBRESOURCES.has(k))
    .sort(byName)
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`));
  return `/${bucket}/${object}${sub.length ? `?${sub.join('&')}` : ''}`;
}

/** The date line is `x-oss-date` when sent (ali-oss sends no Date header), else `Date`. */
export function ossStringToSign(req: OssRequestToSign): string {
  const h = req.headers;
  const date = header(h, 'x-oss-date') || header(h, 'date');
  return (
    `${req.verb.toUpperCase()}\n${header(h, 'content-md5')}\n${header(h, 'content-type')}\n${date}\n` +
    ossCanonicalHeaders(h) +
    ossCanonicalResource(req.bucket, req.object, req.query)
  );
}

/** Base64 HMAC-SHA1 of the string to sign with the AccessKeySecret. */
export function ossSignature(accessKeySecret: string, stringToSign: string): string {
  return createHmac('sha1', accessKeySecret).update(stringToSign, 'utf8').digest('base64');
}

/** The `Authorization` header: "OSS <AccessKeyId>:<signature>". */
export function ossAuthorization(accessKeyId: string, accessKeySecret: string, req: OssRequestToSign): string {
  return `OSS ${accessKeyId}:${ossSignature(accessKeySecret, ossStringToSign(req))}`;
}

/** Server side: splits an `Authorization` header; undefined when it is not a V1 OSS one. */
export function parseOssAuthorization(value: string): { accessKeyId: string; signature: string } | undefined {
  const m = /^OSS ([^:\s]+):(\S+)$/.exec(value.trim());
  return m ? { accessKeyId: m[1]!, signature: m[2]! } : undefined;
}

/** `Content-MD5`: Base64 of the MD5 of the body. */
export function ossContentMd5(body: Uint8Array): string {
  return createHash('md5').update(body).digest('base64');
}

/** The callback headers: Base64 of the `callback` and `callback_var` strings exactly as initupload gave them. */
export function ossCallbackHeaders(callback: string, callbackVar: string): { 'x-oss-callback': string; 'x-oss-callback-var': string } {
  return {
    'x-oss-callback': Buffer.from(callback, 'utf8').toString('base64'),
    'x-oss-callback-var': Buffer.from(callbackVar, 'utf8').toString('base64'),
  };
}

/** Server side: the text of a callback header; undefined when it is not canonical Base64. */
export function decodeOssCallbackHeader(value: string): string | undefined {
  const bytes = Buffer.from(value, 'base64');
  return bytes.toString('base64') === value ? bytes.toString('utf8') : undefined;
}
