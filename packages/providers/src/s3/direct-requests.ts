import { STATUS_CODES } from 'node:http';
import type { Dispatcher, Pool } from 'undici';
import { z } from 'zod';
import { BadInput } from '@ferry/core';
import type { S3Client } from '@aws-sdk/client-s3';
import { type S3Credentials, SigV4Signer, canonicalQuery, encodeKeyPath } from './signing.js';
import { undici } from '../http/undici.js';

/** What a HEAD says of an object, read from its headers. */
export interface S3Head {
  size: number;
  lastModified?: Date;
  /** User metadata by lower-cased name, as the SDK gives `Metadata`. */
  metadata: Record<string, string>;
  /** S3's own SHA-1 checksum (base64), when it has one and was asked for it. */
  checksumSha1?: string;
}

/** Where the bucket's requests go and how they are signed, as the SDK resolves them. */
interface Route {
  pool: Pool;
  host: string;
  /** "" (virtual-hosted) or "/bucket", "/base/bucket" (path-style), with no trailing slash. */
  basePath: string;
  signer: SigV4Signer;
}

/** Renewed this long before the SDK's credentials say they expire. */
const CREDENTIALS_MARGIN_MS = 5 * 60_000;
/** As much of an error body as is read: S3's XML errors are a few hundred bytes. */
const ERROR_BODY_LIMIT = 64 * 1024;

const endpointAnswer = z.object({
  url: z.instanceof(URL),
  properties: z
    .object({ authSchemes: z.array(z.object({ name: z.string(), signingName: z.string().optional(), signingRegion: z.string().optional() })).optional() })
    .optional(),
  headers: z.record(z.string(), z.unknown()).optional(),
});

const credentialsAnswer = z.object({
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().optional(),
  expiration: z.date().optional(),
});

const headAnswer = z.object({
  'content-length': z.string().regex(/^\d+$/).transform(Number),
  'last-modified': z.string().optional(),
  'x-amz-checksum-sha1': z.string().optional(),
});

const etagAnswer = z.object({ etag: z.string().min(1) });

/**
 * A failed request in the shape the SDK gives its errors (name = S3's error code, the HTTP
 * status, the response headers), so `s3Error` types it the same whichever way it went.
 */
export class S3ResponseError extends Error {
  readonly $metadata: { httpStatusCode: number; requestId?: string };
  readonly $response: { statusCode: number; headers: Record<string, string> };
  readonly $fault: 'client' | 'server';

  constructor(name: string, message: string, status: number, headers: Record<string, string>) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status, ...(headers['x-amz-request-id'] ? { requestId: headers['x-amz-request-id'] } : {}) };
    this.$response = { statusCode: status, headers };
    this.$fault = status >= 500 ? 'server' : 'client';
  }
}

function flatHeaders(raw: Dispatcher.ResponseData['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

function xmlField(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  if (!m) return undefined;
  return m[1]!
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

async function boundedText(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    if (length < ERROR_BODY_LIMIT) chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
  }
  return Buffer.concat(chunks).subarray(0, ERROR_BODY_LIMIT).toString('utf8');
}

/** S3's <Error><Code>, else (a HEAD has no body) the status as the SDK names it: NotFound, Forbidden... */
async function responseError(method: string, answer: Dispatcher.ResponseData): Promise<S3ResponseError> {
  const headers = flatHeaders(answer.headers);
  const xml = method === 'HEAD' ? '' : await boundedText(answer.body);
  if (method === 'HEAD') await answer.body.dump();
  const status = answer.statusCode;
  const name = xmlField(xml, 'Code') ?? (STATUS_CODES[status] ?? `Http${status}`).replace(/[^A-Za-z0-9]/g, '');
  return new S3ResponseError(name, xmlField(xml, 'Message') ?? `${status} ${name}`, status, headers);
}

function keyPath(route: Route, key: string): string {
  return `${route.basePath}/${encodeKeyPath(key)}`;
}

/** A provider-valued SDK setting, resolved. */
async function settled<T>(value: T | (() => Promise<T>) | undefined): Promise<T | undefined> {
  return typeof value === 'function' ? (value as () => Promise<T>)() : value;
}

/**
 * The three requests every file costs (PutObject, UploadPart, HeadObject), signed here and sent
 * over undici. Through the SDK each one cost over a millisecond of CPU more than this way (its
 * middleware stack, schema serde and node:http: an 11 KB upload measured 2.2 ms against about
 * 1 ms in all); a tree of small files is that many requests, and on a small machine the client's
 * CPU is taken from the server's. The address and
 * signing scope are the SDK's own (its endpoint rules for the bucket), as are the credentials
 * (its provider chain); the requests go through the same pacer, and fail with errors of the
 * SDK's shape. Everything else stays with the SDK.
 */
export class S3DirectRequests {
  private route: Promise<Route> | undefined;
  private credentials: Promise<z.infer<typeof credentialsAnswer>> | undefined;
  private warm: Promise<void> | undefined;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly sockets: number,
    /** Sends one request through the remote's pacer. */
    private readonly paced: <T>(send: () => Promise<T>) => Promise<T>,
  ) {}

  /** The bucket's URL as the SDK's endpoint rules give it for this client's settings. */
  private async resolveRoute(): Promise<Route> {
    const config = this.client.config;
    const endpoint = await settled(config.endpoint);
    const resolved = endpointAnswer.parse(
      config.endpointProvider({
        Bucket: this.bucket,
        Region: await settled(config.region),
        UseFIPS: await settled(config.useFipsEndpoint),
        UseDualStack: await settled(config.useDualstackEndpoint),
        ForcePathStyle: await settled(config.forcePathStyle),
        Accelerate: await settled(config.useAccelerateEndpoint),
        UseGlobalEndpoint: await settled(config.useGlobalEndpoint),
        DisableMultiRegionAccessPoints: await settled(config.disableMultiregionAccessPoints),
        UseArnRegion: await settled(config.useArnRegion),
        ...(endpoint ? { Endpoint: `${endpoint.protocol}//${endpoint.hostname}${endpoint.port ? `:${endpoint.port}` : ''}${endpoint.path}` } : {}),
      }),
    );
    const scheme = resolved.properties?.authSchemes?.[0];
    // Plain SigV4 is all Ferry signs: S3 Express sessions and multi-region access points (SigV4a)
    // would need the SDK's signers, and are not what a remote's bucket= names.
    if ((scheme && scheme.name !== 'sigv4') || Object.keys(resolved.headers ?? {}).length > 0) {
      throw new BadInput(`bucket '${this.bucket}' needs signing Ferry does not do (${scheme?.name ?? 'endpoint headers'})`);
    }
    const url = resolved.url;
    const region = scheme?.signingRegion ?? (await settled(config.region)) ?? 'us-east-1';
    return {
      pool: new (await undici()).Pool(url.origin, { connections: this.sockets, connectTimeout: 15_000 }),
      host: url.host,
      basePath: url.pathname.replace(/\/+$/, ''),
      signer: new SigV4Signer(region, scheme?.signingName ?? 's3'),
    };
  }

  /** Resolved once; a failure (no credentials yet, say) is tried again by the next request. */
  private routeOnce(): Promise<Route> {
    if (!this.route) {
      const route = this.resolveRoute();
      route.catch(() => {
        if (this.route === route) this.route = undefined;
      });
      this.route = route;
    }
    return this.route;
  }

  /** The SDK's credentials, asked for again when they come near their expiry. */
  private async currentCredentials(): Promise<S3Credentials> {
    const held = this.credentials && (await this.credentials.catch(() => undefined));
    if (held && (!held.expiration || held.expiration.getTime() - Date.now() > CREDENTIALS_MARGIN_MS)) return held;
    const asked = this.client.config.credentials().then((c) => credentialsAnswer.parse(c));
    this.credentials = asked;
    return asked;
  }

  /** The host, path and query a key's request goes to: what the SDK would address. */
  async address(key: string, query?: Record<string, string>): Promise<{ host: string; path: string; query: string }> {
    const route = await this.routeOnce();
    return { host: route.host, path: keyPath(route, key), query: canonicalQuery(query) };
  }

  private send(method: 'PUT' | 'HEAD', key: string, headers: Record<string, string>, query?: Record<string, string>, body?: Buffer): Promise<Record<string, string>> {
    return this.paced(async () => {
      const route = await this.routeOnce();
      const path = keyPath(route, key);
      const credentials = await this.currentCredentials();
      // The SDK's correction for a skewed clock, learnt from the server's answers.
      const now = new Date(Date.now() + (this.client.config.systemClockOffset ?? 0));
      const signed = route.signer.sign({ method, path, ...(query ? { query } : {}), headers: { host: route.host, ...headers } }, credentials, now);
      const queryString = canonicalQuery(query);
      const answer = await route.pool.request({
        method,
        path: queryString ? `${path}?${queryString}` : path,
        headers: signed,
        ...(body ? { body } : {}),
        // undici closes the connection after every HEAD unless told not to (in case a server sends
        // a body anyway): a listing's HEADs would each open a new one. S3 sends none.
        reset: false,
      });
      if (answer.statusCode >= 300) throw await responseError(method, answer);
      await answer.body.dump();
      return flatHeaders(answer.headers);
    });
  }

  async putObject(key: string, body: Buffer, headers: Record<string, string>): Promise<void> {
    await this.send('PUT', key, { 'content-length': String(body.length), 'content-type': 'application/octet-stream', ...headers }, undefined, body);
  }

  /** The part's ETag. */
  async uploadPart(key: string, uploadId: string, partNumber: number, body: Buffer): Promise<string> {
    const headers = await this.send(
      'PUT',
      key,
      { 'content-length': String(body.length), 'content-type': 'application/octet-stream' },
      { partNumber: String(partNumber), uploadId },
      body,
    );
    const answer = etagAnswer.safeParse(headers);
    if (!answer.success) throw new Error(`UploadPart ${partNumber} answered no ETag`);
    return answer.data.etag;
  }

  /** HEAD with S3's own checksum asked for. */
  async headObject(key: string): Promise<S3Head> {
    const headers = await this.send('HEAD', key, { 'x-amz-checksum-mode': 'ENABLED' });
    const answer = headAnswer.safeParse(headers);
    if (!answer.success) throw new Error(`HEAD answered no valid Content-Length (${JSON.stringify(headers['content-length'] ?? null)})`);
    const metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
    const modified = answer.data['last-modified'] ? new Date(answer.data['last-modified']) : undefined;
    return {
      size: answer.data['content-length'],
      metadata,
      ...(modified && !Number.isNaN(modified.getTime()) ? { lastModified: modified } : {}),
      ...(answer.data['x-amz-checksum-sha1'] ? { checksumSha1: answer.data['x-amz-checksum-sha1'] } : {}),
    };
  }

  /**
   * One HEAD of `key`, its answer not wanted, before a multipart upload holds its part buffers:
   * undici compiles its HTTP parser (WebAssembly) on its first connection, and that scratch memory,
   * taken while the buffers were held, added about 35 MB to the peak RSS of a big upload.
   */
  warmUp(key: string): Promise<void> {
    this.warm ??= this.headObject(key).then(
      () => {},
      () => {},
    );
    return this.warm;
  }

  async close(): Promise<void> {
    const route = this.route && (await this.route.catch(() => undefined));
    this.route = undefined;
    await route?.pool.close();
  }
}
