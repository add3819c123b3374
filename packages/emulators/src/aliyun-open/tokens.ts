import { createHmac, randomBytes } from 'node:crypto';
import { ApiError } from './api-error.js';

interface AccessGrant {
  userId: string;
  expiresAt: number;
}

interface RefreshGrant {
  userId: string;
  expiresAt: number;
  used: boolean;
}

/** Refresh tokens live 90 days (SDK comment). */
const REFRESH_TTL_MS = 90 * 24 * 3600 * 1000;

/** PKCE access tokens live 30 days (Android SDK comment on AliyunpanPKCECredentials). */
export const PKCE_ACCESS_TTL_SEC = 30 * 24 * 3600;

/**
 * JWT-shaped tokens whose segments use only characters common to the standard and URL-safe base64
 * alphabets, without padding, so clients that decode the payload with Go's RawStdEncoding (AList)
 * read `sub` as they do from real tokens. JSON text is ASCII without '>', '?' or '~', which are
 * the only bytes that could produce '+' or '/'; a filler field makes the length a multiple of 3.
 */
function jwtLike(payload: Record<string, unknown>, key: Buffer): string {
  const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64').replace(/=+$/, '');
  let fill = '';
  let json = '';
  for (;;) {
    json = JSON.stringify({ ...payload, fill });
    if (json.length % 3 === 0 && !/[>?~]/.test(json)) break;
    fill += 'x';
  }
  const body = Buffer.from(json).toString('base64');
  const sig = createHmac('sha256', key).update(`${header}.${body}`).digest('base64url');
  return `${header}.${body}.${sig}`;
}

/**
 * OAuth for one app: access tokens that expire on the emulator's clock, refresh tokens that are
 * single use (every refresh answers a new one and retires the old, §2.2). Old access tokens stay
 * valid until their own expiry.
 */
export class TokenAuthority {
  private readonly key = randomBytes(32);
  private readonly access = new Map<string, AccessGrant>();
  private readonly refresh = new Map<string, RefreshGrant>();
  refreshGrants = 0;

  constructor(
    private readonly now: () => number,
    public accessTtlSec: number,
  ) {}

  issueRefreshToken(userId: string): string {
    const token = jwtLike({ sub: userId, typ: 'refresh', jti: randomBytes(12).toString('hex'), iat: Math.floor(this.now() / 1000) }, this.key);
    this.refresh.set(token, { userId, expiresAt: this.now() + REFRESH_TTL_MS, used: false });
    return token;
  }

  private issueAccessToken(userId: string, ttlSec = this.accessTtlSec): string {
    const exp = Math.floor((this.now() + ttlSec * 1000) / 1000);
    const token = jwtLike({ sub: userId, typ: 'access', jti: randomBytes(12).toString('hex'), exp }, this.key);
    this.access.set(token, { userId, expiresAt: this.now() + ttlSec * 1000 });
    return token;
  }

  /** The authorization_code grant with the app's secret: a pair, as a refresh answers. */
  grantPair(userId: string): { token_type: string; access_token: string; refresh_token: string; expires_in: number } {
    return { token_type: 'Bearer', access_token: this.issueAccessToken(userId), refresh_token: this.issueRefreshToken(userId), expires_in: this.accessTtlSec };
  }

  /**
   * The authorization_code grant by PKCE: a long-lived access token and no refresh token, as the
   * SDK maintainers state for PKCE authorizations (aliyunpan-ios-sdk#57).
   */
  grantPkce(userId: string): { token_type: string; access_token: string; expires_in: number } {
    return { token_type: 'Bearer', access_token: this.issueAccessToken(userId, PKCE_ACCESS_TTL_SEC), expires_in: PKCE_ACCESS_TTL_SEC };
  }

  /** The refresh_token grant: retires the presented token and answers a new pair. */
  grant(refreshToken: string): { token_type: string; access_token: string; refresh_token: string; expires_in: number } {
    const held = this.refresh.get(refreshToken);
    // Reuse of a rotated token answers RefreshTokenInvalid: the sources name both this code and
    // RefreshTokenExpired with status 401 without saying which one reuse gets.
    if (!held || held.used) throw new ApiError(401, 'RefreshTokenInvalid', 'Refresh token is invalid or has been used.');
    if (held.expiresAt <= this.now()) throw new ApiError(401, 'RefreshTokenExpired', 'Refresh token has expired.');
    held.used = true;
    this.refreshGrants++;
    return {
      token_type: 'Bearer',
      access_token: this.issueAccessToken(held.userId),
      refresh_token: this.issueRefreshToken(held.userId),
      expires_in: this.accessTtlSec,
    };
  }

  /** The user behind a bearer token, or the 401 the service answers. */
  authenticate(authorization: string | undefined): { userId: string; token: string } {
    const m = /^Bearer (.+)$/.exec(authorization ?? '');
    const token = m?.[1] ?? '';
    const held = this.access.get(token);
    if (!held) throw new ApiError(401, 'AccessTokenInvalid', 'AccessToken is invalid.');
    if (held.expiresAt <= this.now()) throw new ApiError(401, 'AccessTokenExpired', 'AccessToken is expired.');
    return { userId: held.userId, token };
  }

  /**
   * Test hook: the user withdraws the app's authorization, so every token issued so far, access
   * and refresh, is refused from now on (AccessTokenInvalid, then RefreshTokenInvalid).
   */
  revokeAll(): void {
    this.access.clear();
    this.refresh.clear();
  }

  /** Test hook: every access token issued so far expires now, as if hours had passed. */
  expireAccessTokens(): void {
    for (const grant of this.access.values()) grant.expiresAt = Math.min(grant.expiresAt, this.now());
  }
}
