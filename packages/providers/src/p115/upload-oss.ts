import { BadInput, NotFound, TransientError } from '@ferry/core';
import {
  type StsCredentials115,
  getToken115,
  getUploadInfo115,
  ossAuthorization,
  ossContentMd5,
  stsCredentials,
} from '@ferry/protocols';
import { request } from '../http/undici.js';
import type { P115Api } from './api.js';
import { uplbCall, uplbJson } from './upload-uplb.js';

/** STS credentials are renewed this long before their Expiration (115driver renews at 50 of 60 min). */
const STS_MARGIN_MS = 10 * 60_000;

export interface OssReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface OssCall {
  verb: 'GET' | 'PUT' | 'POST' | 'DELETE';
  bucket: string;
  object: string;
  /** Query in the order sent; "" = bare name (`?uploads`). */
  query: [string, string][];
  headers?: Record<string, string>;
  body?: Buffer;
}

/**
 * Aliyun OSS as 115 hands it out: STS credentials from `uplb/3.0/gettoken.php`, renewed before
 * they expire and once more when OSS says they have; requests signed with OSS V1 by hand, to the
 * bucket's virtual host under `uplb/3.0/getuploadinfo.php`'s endpoint. An emulator is reached by
 * the provider's `connect_to` map, never by rewriting these URLs.
 */
export class Oss115 {
  private sts: StsCredentials115 | undefined;
  private fetching: Promise<StsCredentials115> | undefined;
  private endpoint: Promise<string> | undefined;

  constructor(private readonly api: P115Api) {}

  private async credentials(): Promise<StsCredentials115> {
    if (this.sts && Date.now() < this.sts.expiresAt - STS_MARGIN_MS) return this.sts;
    this.fetching ??= this.fetchSts()
      .then((creds) => (this.sts = creds))
      .finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  /** Drops credentials OSS called expired, so the next call fetches new ones. */
  private renew(stale: StsCredentials115): void {
    if (this.sts === stale) this.sts = undefined;
  }

  private async fetchSts(): Promise<StsCredentials115> {
    const where = `${this.api.remote}: gettoken`;
    const reply = getToken115.safeParse(uplbJson(await uplbCall(this.api, '/3.0/gettoken.php'), where));
    const creds = reply.success ? stsCredentials(reply.data) : undefined;
    if (!creds) throw new TransientError(`${where}: 115 gave no OSS credentials${reply.success ? ` (StatusCode ${reply.data.StatusCode})` : ''}`);
    return creds;
  }

  /**
   * The URL of a bucket: always virtual-hosted, `SCHEME://BUCKET.HOST`, with HOST from
   * getuploadinfo's endpoint (115 answers `http://oss-cn-shenzhen.aliyuncs.com`) and SCHEME from
   * `oss_scheme`, since OSS refuses path-style requests to these buckets (SecondLevelDomainForbidden).
   */
  private base(bucket: string): Promise<string> {
    this.endpoint ??= uplbCall(this.api, '/3.0/getuploadinfo.php').then(
      (reply) => {
        const info = getUploadInfo115.safeParse(uplbJson(reply, `${this.api.remote}: getuploadinfo`));
        const host = info.success ? endpointHost(info.data.endpoint) : undefined;
        if (!host) throw new TransientError(`${this.api.remote}: 115 named no usable OSS endpoint${info.success ? ` ('${info.data.endpoint}')` : ''}`);
        return host;
      },
      (err: unknown) => {
        this.endpoint = undefined;
        throw err;
      },
    );
    return this.endpoint.then((host) => `${this.api.options.oss_scheme}://${bucket}.${host}`);
  }

  /** One signed request; an expired STS token is renewed and the request sent again once. */
  async send(call: OssCall, where: string): Promise<OssReply> {
    const sts = await this.credentials();
    const first = await this.signedRequest(sts, call, where);
    if (!stsExpired(first)) return checkedReply(first, where);
    this.renew(sts);
    const second = await this.signedRequest(await this.credentials(), call, where);
    if (stsExpired(second)) throw new TransientError(`${where}: OSS refused fresh credentials${ossCode(second.text)}`);
    return checkedReply(second, where);
  }

  private async signedRequest(sts: StsCredentials115, call: OssCall, where: string): Promise<OssReply> {
    const headers: Record<string, string> = {
      date: new Date().toUTCString(),
      'x-oss-security-token': sts.securityToken,
      ...(call.body ? { 'content-md5': ossContentMd5(call.body) } : {}),
      ...call.headers,
    };
    if (call.body && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/octet-stream';
    headers.authorization = ossAuthorization(sts.accessKeyId, sts.accessKeySecret, {
      verb: call.verb,
      bucket: call.bucket,
      object: call.object,
      headers,
      query: Object.fromEntries(call.query),
    });
    const qs = call.query.map(([k, v]) => (v === '' ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join('&');
    const path = call.object.split('/').map(encodeURIComponent).join('/');
    const url = `${await this.base(call.bucket)}/${path}${qs ? `?${qs}` : ''}`;
    try {
      const res = await request(url, {
        method: call.verb,
        dispatcher: await this.api.dispatcher(),
        headers: { ...headers, 'user-agent': 'aliyun-sdk-android/2.9.1', ...(call.body ? { 'content-length': String(call.body.length) } : {}) },
        ...(call.body ? { body: call.body } : {}),
        headersTimeout: 120_000,
        bodyTimeout: 120_000,
      });
      return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
    } catch (err) {
      throw new TransientError(`${where}: OSS connection failed (${(err as Error).message})`, { cause: err });
    }
  }
}

/** The host (and port, if named) of an endpoint given as a bare host or as a URL. */
function endpointHost(endpoint: string): string | undefined {
  let host: string;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`).host;
  } catch {
    return undefined;
  }
  return /^[a-z0-9.-]+(:\d+)?$/i.test(host) ? host.toLowerCase() : undefined;
}

function ossCode(text: string): string {
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  return code ? ` (${code}${message ? `: ${message}` : ''})` : '';
}

/** The text of the first `<tag>` in an XML reply. */
export function xmlTag(text: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(text)?.[1];
}

/** OSS refused the STS token the request was signed with (it expired). */
function stsExpired(reply: OssReply): boolean {
  return reply.status === 403 && /SecurityTokenExpired|InvalidAccessKeyId|expired/i.test(reply.text);
}

/** The reply, or the typed error its status means. */
function checkedReply(reply: OssReply, where: string): OssReply {
  if (reply.status >= 500) throw new TransientError(`${where}: OSS answered HTTP ${reply.status}${ossCode(reply.text)}`);
  if (reply.status === 404) throw new NotFound(`${where}: OSS answered 404${ossCode(reply.text)}`);
  if (reply.status >= 400 && reply.status !== 409) throw new BadInput(`${where}: OSS answered HTTP ${reply.status}${ossCode(reply.text)}`);
  return reply;
}
