import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthError,
  BadInput,
  type Capabilities,
  type Entry,
  type FerryConfig,
  NotFound,
  type Provider,
  type ReadOptions,
  capabilityMismatches,
  ShareExpired,
  TransientError,
  resolveLocation,
  runTransfer,
} from '@ferry/core';
import { runConformanceSuite } from '@ferry/core/testing';
import { type P115Emulator, type P115EmulatorOptions, startP115Emulator } from '@ferry/emulators';
import {
  LocalProvider,
  P115ShareProvider,
  type P115ShareOptions,
  type P115Options,
  p115ShareOptions,
  registerAllProviders,
  shareLocationArg,
  shareProblemOf,
  shareTitle,
} from '../src/index.js';
import { aliyunOpenFixture } from './aliyun-open-helpers.js';
import { emulatorOptions, emulatorProvider } from './p115-helpers.js';

const MiB = 1024 * 1024;
const sha1 = (b: Buffer | string) => createHash('sha1').update(b).digest('hex');

/** Emulators by share switches, each started on first use and closed at the end. */
const started = new Map<string, Promise<P115Emulator>>();
function emulator(share: P115EmulatorOptions['share'] = {}): Promise<P115Emulator> {
  const key = JSON.stringify(share);
  let emu = started.get(key);
  if (!emu) started.set(key, (emu = startP115Emulator({ users: ['alice', 'bob'], share })));
  return emu;
}
afterAll(async () => {
  for (const emu of started.values()) await (await emu).close();
});

interface ShareCodes {
  share_code: string;
  receive_code: string;
}

/**
 * A provider over a share of alice's. `account` names the p115 remote of `accountUser` (bob by
 * default: a stranger to the share, as most importers are); null lists anonymously.
 */
function shareProvider(
  emu: P115Emulator,
  share: ShareCodes,
  options: Partial<P115ShareOptions> = {},
  account: { user?: number | null; overrides?: Partial<P115Options> } = {},
): P115ShareProvider {
  const user = account.user === undefined ? 1 : account.user;
  const parsed = p115ShareOptions.parse({
    ...share,
    account: user === null ? '' : 'acct',
    webapi_url: emu.hosts.webapi,
    qps: 100,
    ...options,
  });
  return new P115ShareProvider(':p115-share', parsed, {
    remoteOptions: (name) => (name === 'acct' && user !== null ? { type: 'p115', ...emulatorOptions(emu, user, account.overrides) } : undefined),
  });
}

async function collect(entries: AsyncIterable<Entry>): Promise<Entry[]> {
  const out: Entry[] = [];
  for await (const e of entries) out.push(e);
  return out;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function sha1OfFile(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Shares everything in alice's folder `dir` (its children form the share's root). */
function shareFolderContent(emu: P115Emulator, dir: string, options?: { receiveCode?: string; title?: string }): ShareCodes {
  const tree = emu.tree('alice');
  const id = tree.folderByPath(dir)!;
  return emu.createShare('alice', tree.children(id).map((n) => `${dir}/${n.name}`), options);
}

/**
 * The conformance suite seeds files after setup, but a 115 share is a snapshot taken when it is
 * created: this provider creates the share from the seeded folder on its first call.
 */
class ShareOnFirstUse implements Provider {
  readonly type = 'p115-share';
  readonly remote = 'conformance-share';
  // What the provider itself declares (constructing one does no I/O), not a copy of it.
  readonly capabilities: Capabilities = new P115ShareProvider(':p115-share', p115ShareOptions.parse({ share_code: 'declared' }), {}).capabilities;
  private real: P115ShareProvider | undefined;

  constructor(private readonly make: () => P115ShareProvider) {}

  private get p(): P115ShareProvider {
    return (this.real ??= this.make());
  }
  stat(path: string): Promise<Entry> {
    return this.p.stat(path);
  }
  list(dir: string): AsyncIterable<Entry> {
    return this.p.list(dir);
  }
  openRead(entry: Entry, options?: ReadOptions): Promise<Readable> {
    return this.p.openRead(entry, options);
  }
  readRange(entry: Entry, start: number, end: number): Promise<Buffer> {
    return this.p.readRange(entry, start, end);
  }
  async close(): Promise<void> {
    await this.real?.close();
  }
}

let conformanceRoots = 0;
runConformanceSuite({
  name: 'p115-share (emulator, bob reading alice\'s share)',
  readOnly: true,
  async setup() {
    const emu = await emulator();
    const dir = `share-conformance-${++conformanceRoots}`;
    emu.tree('alice').folderByPath(dir, true);
    // Bob reads through a session of his own (the tv slot), so a later login there logs out only
    // this reader; pauses of 1 ms, so persistent risk control ends in RateLimited within the test.
    const cookie = emu.login('bob', 'tv');
    const provider = new ShareOnFirstUse(() => {
      const tree = emu.tree('alice');
      // A share holds at least one item; the first test seeds nothing.
      if (tree.children(tree.folderByPath(dir)!).length === 0) emu.putFile('alice', `${dir}/placeholder.txt`, Buffer.from('x'));
      return shareProvider(emu, shareFolderContent(emu, dir), {}, { overrides: { page_size: 7, download_segment_size: 1 * MiB, cookie, backoff_ms: 1 } });
    });
    return {
      provider,
      seed: async (path, data) => void emu.putFile('alice', `${dir}${path}`, data),
      faults: {
        // Listing a share needs no login; reading its bytes does, so the refusal shows on reads.
        denyAccess: () => void emu.login('bob', 'tv'),
        // 115 announces no wait: its risk control answers errno 911 until the cool-down ends.
        throttle: () => {
          emu.setRiskControl({ budget: 0, windowMs: 60_000, coolDownMs: 60_000, answer: 'errno911' });
          return {};
        },
      },
      cleanup: async () => {
        emu.setRiskControl(undefined);
        await provider.close();
      },
    };
  },
});

describe('p115-share listing', () => {
  it('declares a read-only source with SHA-1s and range reads', () => {
    const p = new P115ShareProvider(':p115-share', p115ShareOptions.parse({ share_code: 'sw6pw793wfp' }), {});
    expect(p.capabilities).toMatchObject({ read: true, write: false, rapidUpload: false, hashes: ['sha1'], rangeRead: true });
    expect((p as Provider).beginUpload).toBeUndefined();
    // The conformance suite runs a wrapper (ShareOnFirstUse); the provider itself must agree too.
    expect(capabilityMismatches(p)).toEqual([]);
  });

  it('pages anonymously past a page-size cap, reading numbers sent as strings', async () => {
    const emu = await emulator({ numbersAsStrings: true, snapLimitCap: 3 });
    const files = Array.from({ length: 23 }, (_, i) => emu.putFile('alice', `paged/f${String(i).padStart(2, '0')}.bin`, randomBytes(100 + i)));
    emu.tree('alice').folderByPath('paged/sub', true);
    const share = emu.createShare('alice', ['paged'], { title: 'Paged things' });

    // The quirk is really on the wire: share_state as a string, count still a number (Go int in 115driver).
    const raw = (await fetch(`${emu.hosts.webapi}/share/snap?share_code=${share.share_code}&receive_code=${share.receive_code}&cid=0&limit=5`).then((r) =>
      r.json(),
    )) as { data: { share_state: unknown; count: unknown; shareinfo: { share_state: unknown } } };
    expect(raw.data).toMatchObject({ share_state: '1', count: 1, shareinfo: { share_state: '1' } });

    const provider = shareProvider(emu, share, { page_size: 5 }, { user: null });
    expect(await provider.stat('/')).toMatchObject({ isDir: true, id: '0' });
    const [top] = await collect(provider.list('/'));
    expect(top).toMatchObject({ name: 'paged', isDir: true, path: '/paged' });
    const entries = await collect(provider.list('/paged'));
    expect(entries).toHaveLength(24);
    expect(new Set(entries.map((e) => e.id)).size).toBe(24);
    expect(entries.find((e) => e.name === 'sub')).toMatchObject({ isDir: true });
    for (const node of files) {
      const e = entries.find((x) => x.name === node.name)!;
      expect(e).toMatchObject({ size: node.size, sha1: node.sha1.toLowerCase(), isDir: false, path: `/paged/${node.name}` });
      expect(e.mtime).toBeGreaterThan(0);
    }
    expect(await provider.stat('/paged/f07.bin')).toMatchObject({ size: 107 });
    expect(await shareTitle(provider)).toBe('Paged things');
    await provider.close();
  });

  it('names the import folder after the share title, made safe as one path component', async () => {
    const emu = await emulator();
    emu.putFile('alice', 'titled/a.txt', Buffer.from('a'));
    const slashy = shareProvider(emu, emu.createShare('alice', ['titled/a.txt'], { title: ' Films / 2024 ' }), {}, { user: null });
    expect(await shareTitle(slashy)).toBe('Films _ 2024');
    const untitled = shareProvider(emu, emu.createShare('alice', ['titled/a.txt'], { title: '..' }), {}, { user: null });
    expect(await shareTitle(untitled)).toBe(untitled.share.share_code);
  });

  it('reads as the owner while the share is under review', async () => {
    const emu = await emulator();
    emu.putFile('alice', 'review-own/a.txt', Buffer.from('mine'));
    const share = emu.createShare('alice', ['review-own/a.txt']);
    emu.setShare(share.share_code, { state: 'review' });
    const owner = shareProvider(emu, { ...share, receive_code: '' }, {}, { user: 0 });
    const [entry] = await collect(owner.list('/'));
    expect((await readAll(await owner.openRead(entry!))).toString()).toBe('mine');
    await owner.close();
  });
});

describe('p115-share errors', () => {
  let emu: P115Emulator;
  let share: ShareCodes;
  beforeAll(async () => {
    emu = await emulator();
    emu.putFile('alice', 'states/a.txt', Buffer.from('state'));
  });
  const fresh = () => (share = emu.createShare('alice', ['states/a.txt']));

  async function failure(p: Promise<unknown>): Promise<Error> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err, 'expected a rejection').toBeInstanceOf(Error);
    return err!;
  }

  it('each dead share says why (shareProblemOf), for reports of many links', async () => {
    const states = [
      ['review', 'under-review'],
      ['expired', 'expired'],
      ['cancelled', 'not-found'],
      ['banned', 'blocked'],
    ] as const;
    for (const [state, problem] of states) {
      fresh();
      emu.setShare(share.share_code, { state });
      expect(shareProblemOf(await failure(shareProvider(emu, share).stat('/'))), state).toBe(problem);
    }
    fresh();
    expect(shareProblemOf(await failure(shareProvider(emu, { ...share, receive_code: '' }).stat('/')))).toBe('wrong-code');
    const cancelledAsInvalid = await emulator({ cancelledErrno: 4100009 });
    cancelledAsInvalid.putFile('alice', 'c/a.txt', Buffer.from('a'));
    const gone = cancelledAsInvalid.createShare('alice', ['c/a.txt']);
    cancelledAsInvalid.setShare(gone.share_code, { state: 'cancelled' });
    expect(shareProblemOf(await failure(shareProvider(cancelledAsInvalid, gone).stat('/')))).toBe('cancelled');
    expect(shareProblemOf(new NotFound('not about a share'))).toBeUndefined();
  });

  it('a normal share lists, with or without an account', async () => {
    fresh();
    expect(await collect(shareProvider(emu, share, {}, { user: null }).list('/'))).toHaveLength(1);
    expect(await collect(shareProvider(emu, share).list('/'))).toHaveLength(1);
  });

  it('under review -> TransientError (retryable)', async () => {
    fresh();
    emu.setShare(share.share_code, { state: 'review' });
    const err = await failure(shareProvider(emu, share).stat('/'));
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toContain(share.share_code);
    expect(err.message).toMatch(/under review/);
  });

  it('expired (share_state 7, with state true) -> ShareExpired', async () => {
    fresh();
    emu.setShare(share.share_code, { state: 'expired' });
    const err = await failure(collect(shareProvider(emu, share, {}, { user: null }).list('/')));
    expect(err).toBeInstanceOf(ShareExpired);
    expect(err.message).toContain(share.share_code);
  });

  it('expired as errno 4100018, with numbers as strings -> ShareExpired', async () => {
    const quirky = await emulator({ expiredAsErrno: true });
    quirky.putFile('alice', 'x/a.txt', Buffer.from('a'));
    const s = quirky.createShare('alice', ['x/a.txt']);
    quirky.setShare(s.share_code, { state: 'expired', numbersAsStrings: true });
    expect(await failure(shareProvider(quirky, s).stat('/'))).toBeInstanceOf(ShareExpired);
    const s2 = quirky.createShare('alice', ['x/a.txt']);
    quirky.setShare(s2.share_code, { state: 'expired' });
    expect(await failure(shareProvider(quirky, s2, {}, { user: null }).stat('/'))).toBeInstanceOf(ShareExpired);
  });

  it('cancelled or unknown -> NotFound naming the share', async () => {
    fresh();
    emu.setShare(share.share_code, { state: 'cancelled' });
    const err = await failure(shareProvider(emu, share).stat('/'));
    expect(err).toBeInstanceOf(NotFound);
    expect(err.message).toContain(`115 share ${share.share_code}`);
    const unknown = await failure(shareProvider(emu, { share_code: 'swnosuchshare', receive_code: '' }).stat('/'));
    expect(unknown).toBeInstanceOf(NotFound);
    expect(unknown.message).toContain('swnosuchshare');
  });

  it('banned -> a non-retryable ShareExpired that says 115 blocked it', async () => {
    fresh();
    emu.setShare(share.share_code, { state: 'banned' });
    const err = await failure(shareProvider(emu, share).stat('/'));
    expect(err).toBeInstanceOf(ShareExpired);
    expect((err as ShareExpired).retryable).toBe(false);
    expect(err.message).toMatch(/blocked by 115/);
  });

  it('missing or wrong access code -> BadInput telling how to give it', async () => {
    fresh();
    for (const receive_code of ['', share.receive_code === 'zzzz' ? 'yyyy' : 'zzzz']) {
      const err = await failure(shareProvider(emu, { ...share, receive_code }).stat('/'));
      expect(err).toBeInstanceOf(BadInput);
      expect(err.message).toContain(`wrong or missing access code for 115 share ${share.share_code}`);
      expect(err.message).toContain('?password=');
    }
  });

  it('file bytes without an account -> AuthError telling to pass --account', async () => {
    fresh();
    const anonymous = shareProvider(emu, share, {}, { user: null });
    const [entry] = await collect(anonymous.list('/'));
    const err = await failure(anonymous.openRead(entry!));
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toContain('--account REMOTE');
  });

  it('an account that is missing, not p115 or without a cookie -> a clear error naming it', () => {
    const base = { share_code: 'sw6pw793wfp', account: 'acct' };
    const make = (raw: ({ type: string } & Record<string, unknown>) | undefined) =>
      () => new P115ShareProvider(':p115-share', p115ShareOptions.parse(base), { remoteOptions: () => raw });
    expect(make(undefined)).toThrow(/account 'acct' is not a configured remote/);
    expect(make(undefined)).toThrow(BadInput);
    expect(make({ type: 'local', root: '/tmp' })).toThrow(/account 'acct' is a 'local' remote/);
    expect(make({ type: 'p115', qps: 'fast' })).toThrow(/account 'acct': qps/);
    expect(make({ type: 'p115' })).toThrow(AuthError);
  });
});

describe('share links as locations', () => {
  it('builds the inline remote from any link form, and resolves it with the account remote', async () => {
    const emu = await emulator();
    emu.putFile('alice', 'loc/a.txt', Buffer.from('located'));
    const share = emu.createShare('alice', ['loc/a.txt']);
    const link = `链接：https://115cdn.com/s/${share.share_code.toUpperCase()}?password=${share.receive_code}# 复制这段内容打开115`;
    expect(shareLocationArg(link, 'acct')).toBe(`:p115-share,share_code=${share.share_code},receive_code=${share.receive_code},account=acct:/`);
    expect(shareLocationArg(`${share.share_code}`, undefined, 'a/b')).toBe(`:p115-share,share_code=${share.share_code}:/a/b`);
    expect(() => shareLocationArg('https://example.com/s/abc')).toThrow(BadInput);
    expect(() => shareLocationArg(share.share_code, 'a,b')).toThrow(BadInput);

    registerAllProviders();
    const config: FerryConfig = { remotes: { acct: { type: 'p115', ...emulatorOptions(emu, 1) } }, defaults: {} };
    const location = resolveLocation(shareLocationArg(link, 'acct', '/a.txt'), config);
    expect(location.provider.type).toBe('p115-share');
    const entry = await location.provider.stat(location.path);
    expect((await readAll(await location.provider.openRead(entry))).toString()).toBe('located');
    await location.provider.close?.();

    // Queued jobs written before the type took its current name carry the old one.
    const legacyInline = `:115share,share_code=${share.share_code},receive_code=${share.receive_code},account=acct:/a.txt`;
    const queued = resolveLocation(legacyInline, config);
    expect(queued.provider.type).toBe('p115-share');
    expect((await readAll(await queued.provider.openRead(await queued.provider.stat(queued.path)))).toString()).toBe('located');
    await queued.provider.close?.();
  });
});

describe('p115-share as a source of copies', () => {
  it('copies a tree to local disk, verified by SHA-1, across URL renewals', async () => {
    const emu = await emulator();
    const files: Record<string, Buffer> = {
      'tree/big.bin': randomBytes(3 * MiB + 123),
      'tree/docs/a.txt': Buffer.from('alpha'),
      'tree/docs/deep/b.bin': randomBytes(70_001),
      'tree/empty.txt': Buffer.alloc(0),
    };
    for (const [path, data] of Object.entries(files)) emu.putFile('alice', path, data);
    const share = emu.createShare('alice', ['tree']);
    const source = shareProvider(emu, share, {}, { overrides: { download_segment_size: 1 * MiB } });
    const work = await mkdtemp(join(tmpdir(), 'ferry-share-local-'));
    // Every URL issued so far dies after 1.5 MiB more have left the CDN: the big file renews mid-way.
    emu.expireUrls(1.5 * MiB);
    const refusedBefore = emu.cdnRefused;
    const summary = await runTransfer({
      source: { provider: source, path: '/', display: 'share:/' },
      target: { provider: new LocalProvider('local', work), path: '/', display: work },
      mode: 'copy',
    });
    expect(summary.errors).toEqual([]);
    expect(summary.copied).toBe(4);
    expect(emu.cdnRefused).toBeGreaterThan(refusedBefore);
    for (const [path, data] of Object.entries(files)) expect(await sha1OfFile(join(work, path)), path).toBe(sha1(data));
    await source.close();
    await fs.rm(work, { recursive: true, force: true });
  });

  it('lands files on Aliyun by rapid upload, reading a few KiB of each from the share CDN', async () => {
    const emu = await emulator();
    const film = randomBytes(64 * MiB);
    const track = randomBytes(5 * MiB + 7);
    emu.putFile('alice', 'media/film.mkv', film);
    emu.putFile('alice', 'media/track.flac', track);
    const small = randomBytes(100 * 1024);
    emu.putFile('alice', 'media/notes.txt', small);
    const share = emu.createShare('alice', ['media']);
    const ali = await aliyunOpenFixture();
    ali.emulator.addBlob(film);
    ali.emulator.addBlob(track);
    const source = shareProvider(emu, share);

    const cdnBefore = emu.cdnBytesServed;
    const files: { rel: string; read: number }[] = [];
    const summary = await runTransfer({
      source: { provider: source, path: '/media', display: 'share:/media' },
      target: { provider: ali.provider, path: '/media', display: 'ali:/media' },
      mode: 'copy',
      onEvent: (e) => void (e.type === 'file' && files.push({ rel: e.rel, read: e.sourceBytesRead })),
    });
    expect(summary).toMatchObject({ rapid: 2, copied: 1, failed: 0 });
    for (const f of files.filter((x) => x.rel !== 'notes.txt')) {
      expect(f.read, f.rel).toBeGreaterThan(0);
      expect(f.read, f.rel).toBeLessThan(8 * 1024);
    }
    // Everything the CDN sent beyond the streamed notes went into proofs: a few KiB per rapid file.
    expect(emu.cdnBytesServed - cdnBefore - small.length).toBeLessThan(2 * 8 * 1024);
    expect(sha1(ali.emulator.read('/media/film.mkv')!)).toBe(sha1(film));
    expect(sha1(ali.emulator.read('/media/track.flac')!)).toBe(sha1(track));
    expect(ali.emulator.read('/media/notes.txt')?.equals(small)).toBe(true);
    await source.close();
    await ali.emulator.close();
  });
});

/**
 * 115's web share-download endpoint stops at 200 MB (50028); bigger files need the encrypted app
 * endpoint (share notes §5.1, quirk 9.7). The emulator's cap and the client's are lowered to 1 MiB so
 * a file "over the cap" is a little over 1 MiB.
 */
describe('p115-share files over the web download cap', () => {
  const capped = () => emulator({ downurlMaxBytes: MiB });
  const delta = (emu: P115Emulator, before: { web: number; app: number }) => ({
    web: emu.shareDownurls.web - before.web,
    app: emu.shareDownurls.app - before.app,
  });

  it('copies a file over the cap to local disk through the app endpoint alone, renewals included, verified by SHA-1', async () => {
    const emu = await capped();
    const over = randomBytes(MiB + 1);
    emu.putFile('alice', 'capped1/over.mkv', over);
    const share = emu.createShare('alice', ['capped1/over.mkv']);
    const source = shareProvider(emu, share, { web_download_max_size: 1 * MiB }, { overrides: { download_segment_size: 1 * MiB } });
    const work = await mkdtemp(join(tmpdir(), 'ferry-share-cap-'));
    // The first URL dies once its first segment has left the CDN: the second segment needs a new one.
    emu.expireUrls(MiB / 2);
    const refusedBefore = emu.cdnRefused;
    const before = emu.shareDownurls;
    const summary = await runTransfer({
      source: { provider: source, path: '/', display: 'share:/' },
      target: { provider: new LocalProvider('local', work), path: '/', display: work },
      mode: 'copy',
    });
    expect(summary.errors).toEqual([]);
    expect(summary.copied).toBe(1);
    expect(await sha1OfFile(join(work, 'over.mkv'))).toBe(sha1(over));
    expect(emu.cdnRefused).toBeGreaterThan(refusedBefore);
    // Never asked the web endpoint; the renewal went to the app endpoint too.
    expect(delta(emu, before)).toEqual({ web: 0, app: 2 });

    // A file within the cap still uses the web endpoint.
    emu.putFile('alice', 'capped1/small.txt', Buffer.from('small'));
    const small = shareProvider(emu, emu.createShare('alice', ['capped1/small.txt']), { web_download_max_size: 1 * MiB });
    const mid = emu.shareDownurls;
    const [entry] = await collect(small.list('/'));
    expect((await readAll(await small.openRead(entry!))).toString()).toBe('small');
    expect(delta(emu, mid)).toEqual({ web: 1, app: 0 });
    await source.close();
    await small.close();
    await fs.rm(work, { recursive: true, force: true });
  });

  it('switches a file to the app endpoint when the web one answers 50028 below the client cap', async () => {
    const emu = await capped();
    const over = randomBytes(MiB + 1);
    emu.putFile('alice', 'capped2/over.bin', over);
    const source = shareProvider(emu, emu.createShare('alice', ['capped2/over.bin']), {}, { overrides: { download_segment_size: 1 * MiB } });
    const [entry] = await collect(source.list('/'));
    emu.expireUrls(MiB / 2);
    const before = emu.shareDownurls;
    expect(sha1(await readAll(await source.openRead(entry!)))).toBe(sha1(over));
    // One refused web call, then the app endpoint for the first URL and for its renewal.
    expect(delta(emu, before)).toEqual({ web: 1, app: 2 });
    await source.close();
  });

  it('reads through the app endpoint when its URLs are cookie-bound (f=3): each URL with its reply\'s cookie, renewals included', async () => {
    const emu = await capped();
    emu.setCookieBoundUrls({ app: true });
    const over = randomBytes(MiB + 1);
    emu.putFile('alice', 'capped4/over.bin', over);
    const source = shareProvider(emu, emu.createShare('alice', ['capped4/over.bin']), { web_download_max_size: 1 * MiB }, { overrides: { download_segment_size: 1 * MiB } });
    const [entry] = await collect(source.list('/'));
    emu.expireUrls(MiB / 2);
    const before = emu.shareDownurls;
    const refusedBefore = emu.cdnRefused;
    expect(sha1(await readAll(await source.openRead(entry!)))).toBe(sha1(over));
    expect(delta(emu, before)).toEqual({ web: 0, app: 2 });
    // Only the expired URL was refused: neither URL went out without its cookie.
    expect(emu.cdnRefused - refusedBefore).toBe(1);
    await source.close();
  });

  it('lands a file over the cap on Aliyun by rapid upload, reading a few KiB through the app endpoint', async () => {
    const emu = await capped();
    const film = randomBytes(3 * MiB + 5);
    emu.putFile('alice', 'capped3/film.mkv', film);
    const share = emu.createShare('alice', ['capped3/film.mkv']);
    const ali = await aliyunOpenFixture();
    ali.emulator.addBlob(film);
    const source = shareProvider(emu, share, { web_download_max_size: 1 * MiB });
    const cdnBefore = emu.cdnBytesServed;
    const before = emu.shareDownurls;
    const files: { rel: string; read: number }[] = [];
    const summary = await runTransfer({
      source: { provider: source, path: '/', display: 'share:/' },
      target: { provider: ali.provider, path: '/films', display: 'ali:/films' },
      mode: 'copy',
      onEvent: (e) => void (e.type === 'file' && files.push({ rel: e.rel, read: e.sourceBytesRead })),
    });
    expect(summary).toMatchObject({ rapid: 1, copied: 0, failed: 0 });
    expect(files).toHaveLength(1);
    expect(files[0]!.read).toBeGreaterThan(0);
    expect(files[0]!.read).toBeLessThan(8 * 1024);
    expect(emu.cdnBytesServed - cdnBefore).toBeLessThan(8 * 1024);
    expect(delta(emu, before)).toMatchObject({ web: 0 });
    expect(delta(emu, before).app).toBeGreaterThan(0);
    expect(sha1(ali.emulator.read('/films/film.mkv')!)).toBe(sha1(film));
    await source.close();
    await ali.emulator.close();
  });

  it('declares the cap as an option, 200 MiB by default', () => {
    expect(p115ShareOptions.parse({ share_code: 'sw6pw793wfp' }).web_download_max_size).toBe(200 * MiB);
    expect(p115ShareOptions.safeParse({ share_code: 'sw6pw793wfp', web_download_max_size: -1 }).success).toBe(false);
  });
});

describe('p115-share -> p115: received server-side (转存)', () => {
  function seedLibrary(emu: P115Emulator, dir: string): Record<string, Buffer> {
    const files: Record<string, Buffer> = {
      [`${dir}/lib/a.txt`]: Buffer.from(`a of ${dir}`),
      [`${dir}/lib/sub/b.bin`]: randomBytes(5000),
      [`${dir}/lib/sub/deep/c.bin`]: randomBytes(7000),
      [`${dir}/lib/sub/deep/d.bin`]: randomBytes(10),
    };
    for (const [path, data] of Object.entries(files)) emu.putFile('alice', path, data);
    emu.tree('alice').folderByPath(`${dir}/lib/sub/nothing-here`, true);
    return files;
  }

  /** Bob's copy of each seeded file, found by path below `targetDir`, must hold the same SHA-1. */
  function expectLanded(emu: P115Emulator, files: Record<string, Buffer>, fromDir: string, targetDir: string): void {
    for (const [path, data] of Object.entries(files)) {
      const at = `${targetDir}/${path.slice(fromDir.length + 1)}`;
      const node = emu.tree('bob').nodeByPath(at);
      expect(node, at).toBeDefined();
      expect(node!.sha1.toLowerCase(), at).toBe(sha1(data));
    }
  }

  function liveNames(emu: P115Emulator, user: string, dir: string): string[] {
    const tree = emu.tree(user);
    const id = dir === '' ? '0' : tree.folderByPath(dir)!;
    return tree.children(id).map((n) => n.name).sort();
  }

  it('imports a whole missing folder in one receive call; a rerun skips everything', async () => {
    const emu = await emulator();
    const files = seedLibrary(emu, 'recv1');
    const share = emu.createShare('alice', ['recv1/lib']);
    const source = shareProvider(emu, share, {}, { user: null });
    const target = emulatorProvider(emu, 1);
    expect(target.serverImport.canImportFrom(source)).toBe(true);

    const before = emu.shareReceives;
    const cdnBefore = emu.cdnBytesServed;
    const locations = {
      source: { provider: source, path: '/', display: 'share:/' },
      target: { provider: target, path: '/imports/recv1', display: 'bob:/imports/recv1' },
      mode: 'copy' as const,
    };
    const summary = await runTransfer(locations);
    expect(summary.errors).toEqual([]);
    expect(summary).toMatchObject({ imported: 1, copied: 0, rapid: 0, sourceBytesRead: 0 });
    expect(emu.shareReceives - before).toBe(1);
    expect(emu.cdnBytesServed).toBe(cdnBefore);
    expectLanded(emu, files, 'recv1', '/imports/recv1');
    expect(liveNames(emu, 'bob', 'imports/recv1/lib/sub')).toEqual(['b.bin', 'deep', 'nothing-here']);

    const again = await runTransfer(locations);
    expect(again).toMatchObject({ imported: 0, skipped: 4, failed: 0 });
    expect(emu.shareReceives - before).toBe(1);
    await target.close();
  });

  it('receives files into an existing folder, replacing a different file and keeping a renamed copy', async () => {
    const emu = await emulator();
    emu.putFile('alice', 'recv2/x.txt', Buffer.from('shared x'));
    emu.putFile('alice', 'recv2/y.txt', Buffer.from('shared y'));
    emu.putFile('alice', 'recv2/z.txt', Buffer.from('shared z'));
    const share = shareFolderContent(emu, 'recv2');
    emu.putFile('bob', 'have/keep.txt', Buffer.from('bob keeps this'));
    emu.putFile('bob', 'have/y.txt', Buffer.from('old y of bob'));
    const source = shareProvider(emu, share);
    const target = emulatorProvider(emu, 1);
    const before = emu.shareReceives;

    const summary = await runTransfer({
      source: { provider: source, path: '/', display: 'share:/' },
      target: { provider: target, path: '/have', display: 'bob:/have' },
      mode: 'copy',
    });
    expect(summary.errors).toEqual([]);
    expect(summary).toMatchObject({ imported: 3 });
    expect(emu.shareReceives - before).toBe(3);
    // The old y.txt went to the recycle bin once the received one was in place.
    expect(liveNames(emu, 'bob', 'have')).toEqual(['keep.txt', 'x.txt', 'y.txt', 'z.txt']);
    expect(emu.tree('bob').nodeByPath('have/y.txt')!.sha1.toLowerCase()).toBe(sha1('shared y'));

    // With --on-conflict rename, a different file under the name stays and the share's lands beside it.
    emu.putFile('alice', 'recv2b/keep.txt', Buffer.from('the share has another keep.txt'));
    const other = shareProvider(emu, shareFolderContent(emu, 'recv2b'));
    const renamed = await runTransfer({
      source: { provider: other, path: '/', display: 'share2:/' },
      target: { provider: target, path: '/have', display: 'bob:/have' },
      mode: 'copy',
      onConflict: 'rename',
    });
    expect(renamed.errors).toEqual([]);
    expect(liveNames(emu, 'bob', 'have')).toEqual(['keep(1).txt', 'keep.txt', 'x.txt', 'y.txt', 'z.txt']);
    expect(emu.tree('bob').nodeByPath('have/keep.txt')!.sha1.toLowerCase()).toBe(sha1('bob keeps this'));
    expect(emu.tree('bob').nodeByPath('have/keep(1).txt')!.sha1.toLowerCase()).toBe(sha1('the share has another keep.txt'));
    // The folder-id cache still finds what it listed.
    expect(await target.stat('/have/keep(1).txt')).toMatchObject({ size: 30 });
    await target.close();
  });

  it('waits for a receive that lands later (polling the folder)', async () => {
    const emu = await emulator({ receiveDelayMs: 400 });
    const files = seedLibrary(emu, 'recv3');
    const share = emu.createShare('alice', ['recv3/lib']);
    const target = emulatorProvider(emu, 1);
    const summary = await runTransfer({
      source: { provider: shareProvider(emu, share, {}, { user: null }), path: '/', display: 'share:/' },
      target: { provider: target, path: '/later', display: 'bob:/later' },
      mode: 'copy',
    });
    expect(summary.errors).toEqual([]);
    expect(summary.imported).toBe(1);
    expectLanded(emu, files, 'recv3', '/later');
    await target.close();
  });

  it('takes a folder too big for one receive piece by piece, and makes folders with no file in them', async () => {
    const emu = await emulator({ maxReceiveItems: 3 });
    const files = seedLibrary(emu, 'recv4');
    emu.tree('alice').folderByPath('recv4/hollow/inner', true);
    const share = shareFolderContent(emu, 'recv4');
    const target = emulatorProvider(emu, 1);
    const before = emu.shareReceives;
    const summary = await runTransfer({
      source: { provider: shareProvider(emu, share), path: '/', display: 'share:/' },
      target: { provider: target, path: '/split', display: 'bob:/split' },
      mode: 'copy',
    });
    expect(summary.errors).toEqual([]);
    // lib (8 items) is refused whole; a.txt, sub/b.bin and sub/deep (3 items) go one call each.
    expect(emu.shareReceives - before).toBe(3);
    expectLanded(emu, files, 'recv4', '/split');
    expect(liveNames(emu, 'bob', 'split/hollow')).toEqual(['inner']);
    await target.close();
  });

  it('receives into the drive root through a hidden folder, leaving nothing behind', async () => {
    const emu = await emulator();
    emu.putFile('alice', 'recv5/top-level.txt', Buffer.from('at the root'));
    const share = shareFolderContent(emu, 'recv5');
    const target = emulatorProvider(emu, 1);
    const rootBefore = liveNames(emu, 'bob', '');
    const summary = await runTransfer({
      source: { provider: shareProvider(emu, share), path: '/', display: 'share:/' },
      target: { provider: target, path: '/', display: 'bob:/' },
      mode: 'copy',
    });
    expect(summary.errors).toEqual([]);
    expect(summary.imported).toBe(1);
    expect(liveNames(emu, 'bob', '')).toEqual([...rootBefore, 'top-level.txt'].sort());
    await target.close();
  });

  it('does not offer to import a share read through another 115 service', async () => {
    const emu = await emulator();
    const elsewhere = await emulator({ snapLimitCap: 1150 });
    const source = shareProvider(elsewhere, { share_code: 'swsomewhere', receive_code: '' }, {}, { user: null });
    expect(emulatorProvider(emu, 1).serverImport.canImportFrom(source)).toBe(false);
    expect(emulatorProvider(emu, 1).serverImport.canImportFrom(emulatorProvider(emu, 0))).toBe(false);
  });
});
