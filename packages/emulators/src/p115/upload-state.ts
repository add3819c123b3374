import { randomBytes } from 'node:crypto';
import { type KEcKeyPair, kEcServerKeyPair } from '@ferry/protocols';
import type { Content, UserTree } from './store.js';

/**
 * The state of 115's upload side (web notes §4, 8.7, 8.9): per-user `userkey`s, the emulator's own
 * P-224 key pair (115's private key is unknown, so clients are configured with `ecdh_pub`), pending
 * uploads by pick code, open challenges, issued STS credentials and the global SHA-1+size store
 * that rapid upload ("秒传") looks in.
 */
export interface UploadOptions {
  /** `size_limit` of uploadinfo; init refuses bigger files. Default 115 GiB ([?] real values vary by account). */
  sizeLimit?: number;
  /**
   * When set, init refuses a `t` further than this from now, read as seconds or as milliseconds
   * (clients send either). Off by default: the real window is unknown (web notes §4.3 OpenList note) [?].
   */
  tWindowS?: number;
  /** STS lifetime; default 1 h as 115 issues them (web notes §4.5). */
  stsLifetimeS?: number;
}

/** What init promised and the OSS callback fulfils: keyed by the reserved pick code. */
export interface PendingUpload {
  userId: string;
  cid: string;
  fileName: string;
  fileSize: number;
  /** Upper-case SHA-1 as declared in `fileid`. */
  fileId: string;
  bucket: string;
  object: string;
  pickCode: string;
  callback: string;
  callbackVar: string;
}

export interface Challenge {
  userId: string;
  fileId: string;
  fileSize: number;
  target: string;
  start: number;
  end: number;
  /** Upper-case SHA-1 of bytes start..end inclusive of the held blob. */
  expected: string;
}

export interface StsCredential {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  expiresAt: number;
  /** Set by expireStsTokens / the expireSts fault. */
  revoked: boolean;
}

/** 115's bucket (p115oss default); the only one the OSS fake has. */
export const BUCKET = 'fhnfile';
/**
 * The OSS endpoint getuploadinfo names (elevengo, p115oss, wiserain); buckets live at
 * `<bucket>.<endpoint>`, which is how the OSS fake tells its requests apart (by Host header).
 */
export const OSS_ENDPOINT_HOST = 'oss-cn-shenzhen.aliyuncs.com';
/** p115client: the challenge appears for files of 1 MiB and more. */
export const CHALLENGE_MIN_BYTES = 1024 * 1024;

export class UploadState {
  readonly stats = { rapid: 0, challenges: 0, opened: 0, multiparts: 0, ossBytes: 0, completed: 0 };
  readonly ecdh: KEcKeyPair = kEcServerKeyPair();
  readonly sizeLimit: number;
  readonly tWindowS: number | undefined;
  readonly stsLifetimeS: number;
  readonly pending = new Map<string, PendingUpload>();
  /** By sign_key. */
  readonly challenges = new Map<string, Challenge>();
  private readonly sts = new Map<string, StsCredential>();
  private readonly userKeys = new Map<string, string>();
  /** `${SHA1}:${size}` -> bytes of uploads that landed; seeded/putFile bytes are found by scanning the trees. */
  private readonly blobs = new Map<string, Content>();

  constructor(options: UploadOptions = {}) {
    this.sizeLimit = options.sizeLimit ?? 115 * 1024 ** 3;
    this.tWindowS = options.tWindowS;
    this.stsLifetimeS = options.stsLifetimeS ?? 3600;
  }

  /** A stable per-user secret. Format [?]: 115's looks like hex; 32 lower-hex digits here. */
  userKey(userId: string): string {
    let key = this.userKeys.get(userId);
    if (!key) this.userKeys.set(userId, (key = randomBytes(16).toString('hex')));
    return key;
  }

  renewUserKey(userId: string): void {
    this.userKeys.set(userId, randomBytes(16).toString('hex'));
  }

  /** A fresh STS credential that OSS accepts until it expires. */
  issueSts(now = Date.now()): StsCredential {
    const cred: StsCredential = {
      accessKeyId: `STS.${randomBytes(12).toString('base64url')}`,
      accessKeySecret: randomBytes(24).toString('base64url'),
      securityToken: `CAIS${randomBytes(96).toString('base64')}`,
      // Whole seconds, as the RFC 3339 `Expiration` carries no milliseconds.
      expiresAt: Math.floor(now / 1000) * 1000 + this.stsLifetimeS * 1000,
      revoked: false,
    };
    this.sts.set(cred.accessKeyId, cred);
    return cred;
  }

  credential(accessKeyId: string): StsCredential | undefined {
    return this.sts.get(accessKeyId);
  }

  expireSts(): void {
    for (const cred of this.sts.values()) cred.revoked = true;
  }

  registerBlob(sha1: string, size: number, content: Content): void {
    this.blobs.set(`${sha1.toUpperCase()}:${size}`, content);
  }

  /** Bytes with that SHA-1 and size anywhere in the emulator: landed uploads, then any user's files. */
  findBlob(sha1: string, size: number, trees: Iterable<UserTree>): Content | undefined {
    const want = sha1.toUpperCase();
    const known = this.blobs.get(`${want}:${size}`);
    if (known) return known;
    for (const tree of trees) {
      for (const node of tree.nodes.values()) {
        if (!node.isDir && node.content && node.size === size && node.sha1 === want) return node.content;
      }
    }
    return undefined;
  }
}
