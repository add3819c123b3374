import type { Agent } from 'undici';
import { connectVia, parseConnectTo } from '../http/connect-to.js';
import { request, undici } from '../http/undici.js';
import type { z } from 'zod';
import { AuthError, BadInput, Conflict, NotFound, type Pacer, type PacerStore, RateLimited, TransientError, pacerFor } from '@ferry/core';
import {
  ERR,
  type Failure115,
  NOT_FOUND_CODES,
  RISK_CODES,
  SESSION_CODES,
  cookieHeaderOf,
  envelope115,
  failureOf,
  isWafPage,
  parseCookie115,
  parseUid,
} from '@ferry/protocols';
import type { P115Options } from './options.js';
import { p115Account, p115RequestClasses } from './pacing.js';

export type Host115 = 'webapi' | 'proapi' | 'lixian';

export interface CallOptions {
  query?: Record<string, string | number>;
  form?: URLSearchParams;
  /** Extra request headers (the Referer share pages send). */
  headers?: Record<string, string>;
  /** Called with the cookies the answer set, as a Cookie header (downurl replies bind their URL to them). */
  onSetCookie?: (cookie: string) => void;
}

/**
 * `cookie`: the account's login, its own bucket per user id. `anonymous`: no cookie at all, for
 * endpoints that serve anyone (share listings); one bucket per webapi host, since 115 throttles
 * anonymous callers by IP.
 */
export type Login115 = 'cookie' | 'anonymous';

/** A 115 API failure that no generic rule handled; callers map the code to what it means for them. */
export class P115ApiFailure extends Error {
  constructor(
    readonly failure: Failure115,
    readonly where: string,
  ) {
    super(`${where}: 115 said ${failure.code ?? 'error'} ${failure.text}`.trim());
  }
}

/**
 * The cookie-authenticated 115 API: one account, its pacer, cookies and UA on every call, risk
 * control and 5xx answers turned into typed errors for the pacer, expired sessions into AuthError. Replies are
 * returned as unknown JSON for the caller to parse with its zod schema.
 */
export class P115Api {
  readonly userId: string;
  readonly pacer: Pacer;
  private agent: Promise<Agent> | undefined;

  /** One connection pool per account, made on the first call; `connect_to` decides where its sockets go. */
  dispatcher(): Promise<Agent> {
    return (this.agent ??= undici().then(({ Agent, buildConnector }) => {
      const rules = parseConnectTo(this.options.connect_to) ?? [];
      return new Agent({ keepAliveTimeout: 10_000, connections: 16, ...(rules.length ? { connect: connectVia(rules, buildConnector({})) } : {}) });
    }));
  }

  constructor(
    readonly remote: string,
    readonly options: P115Options,
    readonly login: Login115 = 'cookie',
    pacing?: PacerStore,
  ) {
    if (login === 'anonymous') {
      this.userId = '';
      this.pacer = pacerFor(pacing, p115Account(options.webapi_url, ''), p115RequestClasses(options));
      return;
    }
    const cookie = parseCookie115(options.cookie);
    if (!options.cookie) throw new AuthError(`remote '${remote}' has no 115 cookie: run \`ferry login p115 ${remote}\``);
    const uid = cookie && parseUid(cookie.UID);
    if (!uid) throw new BadInput(`remote '${remote}': the 115 cookie must read "UID=<id>_<app>_<time>; CID=…; SEID=…" (run \`ferry login p115 ${remote}\`)`);
    this.userId = uid.userId;
    this.pacer = pacerFor(pacing, p115Account(options.webapi_url, uid.userId), p115RequestClasses(options));
  }

  base(host: Host115): string {
    return { webapi: this.options.webapi_url, proapi: this.options.proapi_url, lixian: this.options.lixian_url }[host].replace(/\/+$/, '');
  }

  sessionExpired(): AuthError {
    if (this.login === 'anonymous') {
      return new AuthError(`${this.remote}: 115 answers this only to a logged-in account: name a p115 remote with account=REMOTE (\`--account REMOTE\`)`);
    }
    return new AuthError(`115 session expired: run \`ferry login p115 ${this.remote}\``);
  }

  /** Calls an endpoint and parses the reply; throws typed errors for every failure it understands. */
  async call<S extends z.ZodType>(host: Host115, path: string, schema: S, options: CallOptions = {}): Promise<z.infer<S>> {
    const json = await this.callRaw(host, path, options);
    const failure = failureIn(json);
    if (failure) throw this.mapFailure(failure, `${this.remote}: ${path}`);
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new TransientError(`${this.remote}: unexpected reply from 115 ${path}: ${parsed.error.issues[0]?.message ?? 'bad shape'}`);
    return parsed.data;
  }

  /** Maps a failure code to a typed error (callers catch the few codes they expect first). */
  mapFailure(failure: Failure115, where: string): Error {
    const code = failure.code;
    if (code !== undefined && NOT_FOUND_CODES.has(code)) return new NotFound(`${where}: not found on 115 (${code} ${failure.text})`);
    if (code === ERR.nameExists) return new Conflict(`${where}: already exists on 115`);
    if (code !== undefined && [ERR.nameEmpty, ERR.nameTooLong, ERR.nameForbidden, ERR.copyIntoSelf, ERR.cyclicMove].includes(code as never)) {
      return new BadInput(`${where}: 115 refused the name or target (${code} ${failure.text})`);
    }
    return new P115ApiFailure(failure, where);
  }

  /** The JSON body of a call, paced with the account's other calls; session checks done. */
  callRaw(host: Host115, path: string, options: CallOptions = {}): Promise<unknown> {
    const url = new URL(`${this.base(host)}${path}`);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, String(v));
    if (!options.form) url.searchParams.set('app_ver', this.options.app_version);
    return this.pacer.call('api', () => this.send(url, path, options));
  }

  /** One request: its answer, or the typed error the pacer decides on. */
  private async send(url: URL, path: string, options: CallOptions): Promise<unknown> {
    let status: number;
    let text: string;
    let setCookie: string | undefined;
    try {
      const res = await request(url, {
        method: options.form ? 'POST' : 'GET',
        dispatcher: await this.dispatcher(),
        headers: {
          accept: '*/*',
          'user-agent': this.options.user_agent,
          ...(this.login === 'cookie' ? { cookie: this.options.cookie } : {}),
          ...options.headers,
          ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(options.form ? { body: options.form.toString() } : {}),
        headersTimeout: 60_000,
        bodyTimeout: 60_000,
      });
      status = res.statusCode;
      setCookie = cookieHeaderOf(res.headers['set-cookie']);
      text = await res.body.text();
    } catch (err) {
      throw new TransientError(`${this.remote}: cannot reach 115 (${(err as Error).message})`, { cause: err });
    }
    if (status === 405 || isWafPage(status, text)) throw this.riskControlled(`HTTP 405 page on ${path}`);
    if (status >= 500) throw new TransientError(`${this.remote}: 115 answered HTTP ${status} on ${path}`);
    const json = parseJson(text);
    if (json === undefined && text.trim() !== '') throw new TransientError(`${this.remote}: 115 answered HTTP ${status} without JSON on ${path}`);
    const failure = failureIn(json);
    if (failure?.code !== undefined && RISK_CODES.has(failure.code)) throw this.riskControlled(`errno ${failure.code} on ${path}`);
    if (failure?.code !== undefined && SESSION_CODES.has(failure.code)) throw this.sessionExpired();
    if (setCookie) options.onSetCookie?.(setCookie);
    return json;
  }

  /** Risk control: the pacer pauses the account by its cool-down (no retry-after of 115's own). */
  private riskControlled(what: string): RateLimited {
    return new RateLimited(`${this.remote}: 115 risk control (${what})`, 0);
  }

  async close(): Promise<void> {
    if (this.agent) await (await this.agent).close();
  }
}

/** The failure a reply reports, if it is an object that reports one. */
export function failureIn(json: unknown): Failure115 | undefined {
  const envelope = envelope115.safeParse(json);
  return envelope.success ? failureOf(envelope.data) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
