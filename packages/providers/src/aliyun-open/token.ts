import { AuthError, type Pacer, type ProviderContext, TransientError, pacerFor } from '@ferry/core';
import { ALIYUN_PATHS, aliyunTokenResponseSchema } from '@ferry/protocols';
import { request } from '../http/undici.js';
import { z } from 'zod';
import { type AliyunOpenApiFailure, networkError, parseFailure } from './errors.js';
import { aliyunAccount, aliyunRequestClasses } from './pacing.js';

export interface TokenSettings {
  remote: string;
  endpoint: string;
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  /** Persisting, re-reading and the cross-process lock, as the host offers them. */
  context: ProviderContext;
}

/** The tokens a remote holds: a refresh token, an access token (a PKCE login's), or both. */
export interface StoredTokens {
  refreshToken?: string;
  accessToken?: string;
  /** When the access token expires (ms since the epoch); unknown: used until the service refuses it. */
  accessExpiresAt?: number;
}

/**
 * A remote's access token is spent and there is no refresh token to get another: a PKCE login's
 * 30-day token ran out (or was revoked). Only a new login helps.
 */
export class AccessTokenExpired extends AuthError {}

/** The part of a remote's stored options a refresh needs; anything else there is not ours to judge. */
const storedTokenSchema = z.object({ refresh_token: z.string().min(1) });

/**
 * Refresh this long before the announced expiry, so a call never starts on a dying token; a
 * quarter of the lifetime when that is shorter, or a short-lived token would never be used.
 */
const EXPIRY_MARGIN_MS = 60_000;

/** The service's word that the refresh token itself is spent or expired: only a new authorization helps. */
const DEAD_REFRESH_TOKEN = new Set(['RefreshTokenInvalid', 'RefreshTokenExpired']);

/** Refusals followed by a newer token from the config before giving up (processes outside the lock). */
const ADOPT_ATTEMPTS = 3;

/**
 * One authorization's tokens, shared by every provider instance of the process that holds the
 * same refresh token (without one, the same access token): the refresh token is single use, so
 * two instances refreshing on their own would make the second one fail. Refreshes run one at a time (the in-process lock) and the
 * rotated token is persisted before anyone else may refresh again. Processes sharing the config
 * hold the host's lock (a lock file beside it, Redis too in workers) around the refresh and first
 * adopt a token another process rotated: access tokens live in one process only, so a process
 * starting later has just the config's refresh token, which must be the newest. The one access
 * token a remote may store (a PKCE login's) is used until shortly before its expiry; without a
 * refresh token nothing renews it, so nothing rotates and no lock is needed.
 */
export class Account {
  private static readonly byToken = new Map<string, Account>();

  /** Until getDriveInfo names the user, calls are paced under the remote's name. */
  pacer: Pacer;
  private access: { token: string; refreshAt: number } | undefined;
  private refreshing: Promise<string> | undefined;
  private refreshToken: string | undefined;
  /** The stored access token's expiry, for the message once it is spent. */
  private readonly storedExpiry: number | undefined;

  private constructor(
    tokens: StoredTokens,
    private readonly settings: TokenSettings,
  ) {
    this.refreshToken = tokens.refreshToken;
    this.storedExpiry = tokens.accessExpiresAt;
    if (tokens.accessToken) {
      const refreshAt = tokens.accessExpiresAt === undefined ? Number.POSITIVE_INFINITY : tokens.accessExpiresAt - EXPIRY_MARGIN_MS;
      this.access = { token: tokens.accessToken, refreshAt };
    }
    // The refresh token rotates, so it cannot name the account; the remote does until the user id is known.
    this.pacer = pacerFor(settings.context.pacing, aliyunAccount(settings.endpoint, `remote ${settings.remote}`), aliyunRequestClasses);
  }

  /** The user id is known (getDriveInfo): from now on every remote of this user spends one budget. */
  identify(userId: string): void {
    this.pacer = pacerFor(this.settings.context.pacing, aliyunAccount(this.settings.endpoint, userId), aliyunRequestClasses);
  }

  static for(tokens: StoredTokens, settings: TokenSettings): Account {
    const key = tokens.refreshToken ?? tokens.accessToken;
    if (key === undefined) throw new AuthError(`remote '${settings.remote}' holds neither a refresh token nor an access token: \`ferry login aliyun-open ${settings.remote}\``);
    let account = Account.byToken.get(key);
    if (!account) {
      account = new Account(tokens, settings);
      Account.byToken.set(key, account);
    }
    return account;
  }

  /** A valid access token, refreshing first when there is none or it is about to expire. */
  async accessToken(): Promise<string> {
    if (this.access && this.access.refreshAt > Date.now()) return this.access.token;
    return this.refresh();
  }

  /**
   * The service refused `token`: refresh, unless another caller already replaced it, in which case
   * the newer token is the answer. However many calls fail together, one refresh happens.
   */
  async replace(token: string): Promise<string> {
    if (this.access && this.access.token !== token) return this.access.token;
    this.access = undefined;
    return this.refresh();
  }

  private refresh(): Promise<string> {
    if (this.refreshToken === undefined) return Promise.reject(this.spent());
    const { withLock } = this.settings.context;
    const refreshOnce = (): Promise<string> => this.grantLatest();
    this.refreshing ??= (withLock ? withLock(`aliyun-open:${this.settings.remote}`, refreshOnce) : refreshOnce()).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /**
   * A grant with the newest refresh token the config holds. A refusal of it is final only when
   * the config still holds nothing newer: a process refreshing outside the lock (an older Ferry)
   * may have saved one meanwhile.
   */
  private async grantLatest(): Promise<string> {
    await this.adoptStoredToken();
    for (let attempt = 1; ; attempt++) {
      const answer = await this.grant();
      if (typeof answer === 'string') return answer;
      if (DEAD_REFRESH_TOKEN.has(answer.code) && attempt < ADOPT_ATTEMPTS && (await this.adoptStoredToken())) continue;
      throw this.refusal(answer);
    }
  }

  /**
   * Another process holding the same authorization may have refreshed since this one last did:
   * its token is the only one still valid. It is single use too, so the grant that follows
   * rotates it again. Whether there was a newer token to adopt.
   */
  private async adoptStoredToken(): Promise<boolean> {
    const stored = storedTokenSchema.safeParse(await this.settings.context.loadOptions?.());
    if (!stored.success || stored.data.refresh_token === this.refreshToken) return false;
    this.refreshToken = stored.data.refresh_token;
    Account.byToken.set(this.refreshToken, this);
    return true;
  }

  /** What to do when the stored access token is spent and there is no refresh token. */
  private spent(): AccessTokenExpired {
    const { remote, clientId } = this.settings;
    const expired = this.storedExpiry !== undefined && this.storedExpiry - EXPIRY_MARGIN_MS <= Date.now();
    const what = expired
      ? `the access token of remote '${remote}' expired on ${new Date(this.storedExpiry!).toISOString().replace(/\.000Z$/, 'Z')}`
      : `Aliyun Drive refused the access token of remote '${remote}' (expired or revoked)`;
    return new AccessTokenExpired(
      `${what} and a PKCE login has no refresh token: run \`ferry login aliyun-open ${remote} --client-id ${clientId || 'ID'}\` again (or log in with --client-secret for a token that renews)`,
    );
  }

  private refusal(failure: AliyunOpenApiFailure): AuthError {
    const { remote } = this.settings;
    if (DEAD_REFRESH_TOKEN.has(failure.code)) {
      return new AuthError(
        `remote '${remote}': Aliyun Drive refused the refresh token (${failure.code}) and the config holds no newer one; it was spent elsewhere, expired or revoked. Authorize again: \`ferry login aliyun-open ${remote}\``,
        { cause: failure },
      );
    }
    return new AuthError(
      `remote '${remote}': Aliyun Drive refused the token refresh (${failure.status} ${failure.code}); check the remote's client_id and client_secret, or its token_url`,
      { cause: failure },
    );
  }

  /** The new access token, or the service's refusal of the refresh token (4xx). */
  private async grant(): Promise<string | AliyunOpenApiFailure> {
    const { remote, endpoint, clientId, clientSecret, tokenUrl } = this.settings;
    const viaService = !clientSecret && tokenUrl !== '';
    const url = viaService ? tokenUrl : `${endpoint}${ALIYUN_PATHS.token}`;
    const body = {
      ...(clientId ? { client_id: clientId } : {}),
      // A public client (a PKCE login that did get a refresh token) has no secret to send.
      ...(viaService || !clientSecret ? {} : { client_secret: clientSecret }),
      grant_type: 'refresh_token',
      refresh_token: this.refreshToken,
    };
    const where = `remote '${remote}'`;
    let status: number;
    let text: string;
    try {
      const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw networkError(err, `${where}: token refresh`);
    }
    if (status >= 500) throw new TransientError(`${where}: token refresh answered ${status}; try again later`);
    if (status !== 200) return parseFailure(status, text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = aliyunTokenResponseSchema.safeParse(json);
    if (!parsed.success) throw new AuthError(`${where}: the token refresh answered an unexpected body`);
    const { access_token, refresh_token, expires_in } = parsed.data;
    Account.byToken.set(refresh_token, this);
    this.refreshToken = refresh_token;
    const lifetime = expires_in * 1000;
    this.access = { token: access_token, refreshAt: Date.now() + lifetime - Math.min(EXPIRY_MARGIN_MS, lifetime / 4) };
    try {
      await this.settings.context.saveOptions?.({ refresh_token });
    } catch (err) {
      // The new token works in this process either way; failing the transfer would not bring the
      // config back, so the user is told instead.
      process.emitWarning(`${where}: could not save the rotated refresh token (${(err as Error).message}); the next run may need a new authorization`);
    }
    return access_token;
  }
}
