import { createRequire } from 'node:module';
import type S3rver from 's3rver';

interface StoredObject {
  key: string;
  size: number;
  lastModifiedDate: Date;
  metadata: Record<string, string>;
}
interface ListContext {
  app: object;
  params: { bucket: string };
  query: Record<string, string | string[] | undefined>;
  store: { listObjects(bucket: string, options: { prefix: string }): Promise<{ objects: StoredObject[] }> };
  body: unknown;
}
type S3ErrorClass = new (code: string, message: string, detail?: Record<string, unknown>) => Error;

/*
 * s3rver's routes call its bucket controller through the module's exports at each request, after
 * authentication and the bucket's existence check; replacing `getBucket` there keeps both, and its
 * XML writer, for the listings served here.
 */
const require = createRequire(import.meta.url);
const controller = require('s3rver/lib/controllers/bucket.js') as { getBucket(ctx: ListContext): Promise<void> };
const S3Error = require('s3rver/lib/models/error.js') as S3ErrorClass;
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account.js') as { DUMMY_ACCOUNT: { id: string; displayName: string } };

/** S3 never answers more than this many keys and prefixes in one page. */
const S3_PAGE = 1000;

/** The page size of each emulator's server; the controller is shared by every s3rver in the process. */
const pageSizes = new WeakMap<object, number>();
let installed = false;

/**
 * ListObjectsV2 with S3's paging, in place of s3rver 3.7.1's: its continuation tokens need DES,
 * which Node's OpenSSL 3 refuses (500 InternalError on any truncated answer); its KeyCount leaves out
 * common prefixes; it ignores encoding-type. Keys and common prefixes are merged in key order and
 * count together toward max-keys, capped at `pageSize`. ListObjects (v1) stays s3rver's.
 */
export function pageListingsV2(server: S3rver, pageSize: number): void {
  pageSizes.set(server, pageSize);
  if (installed) return;
  installed = true;
  const original = controller.getBucket;
  controller.getBucket = (ctx) => {
    const size = pageSizes.get(ctx.app);
    return size !== undefined && ctx.query['list-type'] === '2' ? listV2(ctx, size) : original(ctx);
  };
}

interface Item {
  /** A key, or a common prefix when `object` is absent. */
  name: string;
  object?: StoredObject;
}

async function listV2(ctx: ListContext, pageSize: number): Promise<void> {
  const param = (name: string): string | undefined => {
    const value = ctx.query[name];
    return Array.isArray(value) ? value[0] : value;
  };
  if (param('marker') !== undefined) {
    throw new S3Error('InvalidArgument', 'Marker unsupported with REST.GET.BUCKET in list-type=2', { ArgumentName: 'marker' });
  }
  const encodingType = param('encoding-type');
  if (encodingType !== undefined && encodingType !== 'url') {
    throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type', ArgumentValue: encodingType });
  }
  const prefix = param('prefix') ?? '';
  const delimiter = param('delimiter') ?? '';
  const maxKeys = parseMaxKeys(param('max-keys'));
  const token = param('continuation-token') || undefined;
  const startAfter = param('start-after') || undefined;
  // S3 ignores start-after once a continuation token is given.
  const after = token !== undefined ? decodeToken(token) : (startAfter ?? '');

  // Each page walks the whole prefix again (metadata included): s3rver walks folders in readdir
  // order, not the keys', so no walk can stop at a page's end. An emulator's folders are small.
  const { objects } = await ctx.store.listObjects(ctx.params.bucket, { prefix });
  const items: Item[] = [];
  for (const object of objects.filter((o) => compareKeys(o.key, after) > 0).sort((a, b) => compareKeys(a.key, b.key))) {
    const at = delimiter ? object.key.indexOf(delimiter, prefix.length) : -1;
    if (at === -1) {
      items.push({ name: object.key, object });
      continue;
    }
    // Keys sharing a prefix sort together, so the prefix takes its first key's place. A token names
    // the last item of a page: a prefix it names was answered with all its keys.
    const common = object.key.slice(0, at + delimiter.length);
    if (items.at(-1)?.name !== common && (token === undefined || common !== after)) items.push({ name: common });
  }
  const page = items.slice(0, Math.min(maxKeys, pageSize, S3_PAGE));
  const truncated = page.length < items.length && page.length > 0;
  const encode = encodingType === 'url' ? encodeUrl : (s: string) => s;
  const fetchOwner = param('fetch-owner') === 'true';
  ctx.body = {
    ListBucketResult: {
      '@': { xmlns: 'http://doc.s3.amazonaws.com/2006-03-01/' },
      Name: ctx.params.bucket,
      Prefix: encode(prefix),
      StartAfter: startAfter === undefined ? undefined : encode(startAfter),
      ContinuationToken: token,
      NextContinuationToken: truncated ? encodeToken(page.at(-1)!.name) : undefined,
      KeyCount: page.length,
      MaxKeys: maxKeys,
      Delimiter: delimiter ? encode(delimiter) : undefined,
      IsTruncated: truncated,
      EncodingType: encodingType,
      Contents: page.flatMap(({ object: o }) =>
        o
          ? [
              {
                Key: encode(o.key),
                LastModified: o.lastModifiedDate.toISOString(),
                ETag: o.metadata['etag'],
                Size: o.size,
                Owner: fetchOwner ? { ID: DUMMY_ACCOUNT.id, DisplayName: DUMMY_ACCOUNT.displayName } : undefined,
                StorageClass: 'STANDARD',
              },
            ]
          : [],
      ),
      CommonPrefixes: page.filter((i) => !i.object).map((i) => ({ Prefix: encode(i.name) })),
    },
  };
}

/** s3rver's checks and messages for max-keys; S3 echoes the number asked for, not the page's. */
function parseMaxKeys(value: string | undefined): number {
  if (value === undefined || value === '') return S3_PAGE;
  if (!/^-?\d+$/.test(value)) {
    throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', { ArgumentName: 'max-keys', ArgumentValue: value });
  }
  const maxKeys = Number(value);
  if (maxKeys < 0 || maxKeys > 2147483647) {
    throw new S3Error('InvalidArgument', 'Argument maxKeys must be an integer between 0 and 2147483647', { ArgumentName: 'maxKeys', ArgumentValue: maxKeys });
  }
  return maxKeys;
}

/** S3 lists in the binary order of the keys' UTF-8 bytes, not JavaScript's UTF-16 order. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** The token is opaque to clients: the last key or common prefix answered, base64url-encoded. */
function encodeToken(last: string): string {
  return Buffer.from(last).toString('base64url');
}

function decodeToken(token: string): string {
  const last = Buffer.from(token, 'base64url');
  if (last.length === 0 || last.toString('base64url') !== token) {
    throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
  }
  return last.toString();
}

/**
 * encoding-type=url: each UTF-8 byte outside letters, digits, `-_.~/` as %XX, and a space as `+`,
 * the form encoding clients undo (boto3 with unquote_plus, rclone with url.QueryUnescape).
 */
function encodeUrl(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}
