import type { Readable } from 'node:stream';
import type { Entry } from './entry.js';

export type HashName = 'sha1';

/** What a provider can do, declared up front so the engine never probes with try/catch. */
export interface Capabilities {
  read: boolean;
  write: boolean;
  /** The target can land a file from its SHA-1 and a few proof bytes (秒传). */
  rapidUpload: boolean;
  /** The service can fetch a URL or a share itself (115 offline download, share import). */
  serverSideImport: boolean;
  /** Hashes the listing hands out for free. */
  hashes: readonly HashName[];
  maxFileSize?: number;
  rangeRead: boolean;
  /**
   * A folder can hold several files of one name side by side (115 makes them by offline downloads
   * and uploads), so a source folder's same-named files can land as they are. Elsewhere each
   * further one gets a name of its own.
   */
  sameNameFiles: boolean;
}

/**
 * `--on-conflict`, what to do when the target holds a different file under the same name: replace
 * it, keep it and skip the source file (rclone's --ignore-existing), or copy beside it as "name(1).ext".
 */
export type ConflictPolicy = 'overwrite' | 'skip' | 'rename';

/** Where a new file goes among files of its name that the target folder already holds. */
export interface Placement {
  /**
   * Land beside them instead of replacing them: they are the source's other files of this name
   * (only asked of a target with `capabilities.sameNameFiles`).
   */
  besideSameName?: boolean;
  /**
   * The engine's `--on-conflict`, for a name taken by the time the file lands (the plan read an
   * older listing): overwrite replaces that file, skip keeps it and fails with Conflict, rename
   * lets the service pick a free name. Absent: overwrite. A target whose writes always replace
   * may ignore it.
   */
  onConflict?: ConflictPolicy;
}

/** What a rapid-upload target may ask of the source: the size, the SHA-1 and small byte ranges. */
export interface RapidSource {
  size: number;
  /** The SHA-1 when it is known without reading the file (listed, or kept by a checkpoint). */
  knownSha1?: string;
  /**
   * The SHA-1, reading the whole source when it is not known. A target that can rule a hit out
   * more cheaply (Aliyun's pre_hash of the first KiB) asks only when a hit is still possible.
   */
  sha1(): Promise<string>;
  /** Bytes [start, end) of the source file. Targets ask for at most a few KiB. */
  readRange(start: number, end: number): Promise<Buffer>;
}

/**
 * `handover`: the upload session the miss opened on the service (Aliyun's create, 115's init both
 * open one), as the state `beginUpload` continues it from (`UploadRequest.resume`) in this or any
 * other process, so the streamed copy asks for no second one. The state carries its own expiry:
 * a provider given a stale one opens a fresh session. A caller that will not stream passes it to
 * `discardRapidMiss`.
 */
export type RapidResult = { status: 'hit'; entry?: Entry } | { status: 'miss'; reason?: string; handover?: UploadState };

/** JSON-serialisable state a provider needs to resume its upload (multipart id, temp name...). */
export type UploadState = { [key: string]: unknown };

export interface UploadRequest extends Placement {
  size: number;
  /** The source SHA-1 when it is known before the bytes flow (listing or earlier pass). */
  sha1?: string;
  mtime?: number;
  /**
   * State from a checkpoint, or the handover of a rapid miss; the provider decides whether it can
   * still continue from it, and otherwise starts afresh.
   */
  resume?: UploadState;
}

export interface UploadPart {
  /** 0-based part number. */
  index: number;
  offset: number;
  length: number;
  /** Exactly `length` bytes; already being hashed by the engine as it is read. */
  data: Readable;
  /**
   * Present when the source reads in place (`Provider.readAt`): fills `target` (at least `length`
   * bytes) with the part and returns that slice, hashed and counted by the engine as `data` would
   * be. A target keeping its own part buffers takes this instead of `data`, never both.
   */
  readInto?(target: Buffer): Promise<Buffer>;
}

/**
 * A streamed upload in parts. The engine cuts the source into parts of `partSize`, hashes them
 * on the fly and, after each `writePart`, stores `state()` with the hasher state in a checkpoint,
 * so a crash resumes at `offset` instead of byte 0.
 */
export interface UploadSession {
  readonly partSize: number;
  /**
   * Whether `complete` checks or sends the SHA-1 of what landed (a cloud that verifies content):
   * the engine then hashes the bytes even when the source listed no SHA-1.
   */
  readonly needsSha1: boolean;
  /**
   * Bytes durably accepted by the target; the engine continues from here. It may trail the parts
   * written while some are still in flight: the engine checkpoints at this offset, with `state()`
   * describing exactly these bytes.
   */
  readonly offset: number;
  state(): UploadState;
  /** May return before the part is durable (parts in flight); `complete` waits for all of them. */
  writePart(part: UploadPart): Promise<void>;
  /** Lands the file under its final name; `sha1`, when hashed, is what the engine read on the way. */
  complete(final: { sha1?: string }): Promise<Entry>;
  /** Drops whatever was written; nothing remains under the final name. */
  abort(): Promise<void>;
}

/**
 * A target whose service fetches items from a source itself, so no byte passes through Ferry
 * (115 receiving a 115 share into the account, 转存).
 */
export interface ServerImport {
  /** Whether this target can import from `source` at all; decided without I/O. */
  canImportFrom(source: Provider): boolean;
  /**
   * Lands `entry` of `source` (a file, or a folder with everything in it) at `dstPath`, replacing
   * a file already there, and resolves once it is visible at that path.
   */
  importEntry(source: Provider, entry: Entry, dstPath: string, placement?: Placement): Promise<Entry>;
}

export interface ReadOptions {
  start?: number;
  /** Exclusive end offset. */
  end?: number;
}

export interface Provider {
  readonly type: string;
  /** The remote's name in the config, or "local" for a bare path. */
  readonly remote: string;
  readonly capabilities: Capabilities;

  /** Throws NotFound when nothing is at `path`. */
  stat(path: string): Promise<Entry>;
  /** Pages lazily; entries are the folder's direct children. */
  list(dir: string): AsyncIterable<Entry>;
  openRead(entry: Entry, options?: ReadOptions): Promise<Readable>;
  /** Bytes [start, end) of a file, for small proof reads. */
  readRange(entry: Entry, start: number, end: number): Promise<Buffer>;
  /**
   * Reads into `target` from `position` and returns the bytes read: all of `target` unless the
   * file ends first. A source that reads in place (local disk) lets the engine hand a target its
   * parts without a chunk allocated and copied on the way (`UploadPart.readInto`).
   */
  readAt?(entry: Entry, position: number, target: Buffer): Promise<number>;

  mkdirp?(dir: string): Promise<void>;
  beginUpload?(path: string, request: UploadRequest): Promise<UploadSession>;
  tryRapidUpload?(path: string, source: RapidSource, placement?: Placement): Promise<RapidResult>;
  /**
   * Drops the session a rapid miss handed over, for a caller that will not stream (`--rapid-only`).
   * Absent where a handover holds nothing the service would keep.
   */
  discardRapidMiss?(handover: UploadState): Promise<void>;
  /**
   * Removes a file, or a folder with everything in it. `id`, the listed id of the item at `path`,
   * picks which one goes where a folder holds several files of that name.
   */
  remove?(path: string, id?: string): Promise<void>;
  move?(from: string, to: string): Promise<Entry>;
  /** Present when `capabilities.serverSideImport` is. */
  serverImport?: ServerImport;
  /** SHA-1 of a file the listing gave without one; local disk reads and caches it. */
  hash?(entry: Entry): Promise<string>;
  /**
   * What `path` really is, whatever remote name or symlink reaches it: the engine refuses a
   * transfer whose source and target overlap by this. Without it, the paths as typed are compared.
   */
  identify?(path: string): Promise<LocationIdentity>;
  /** The account's quota (the disk's, for local disk). */
  about?(): Promise<SpaceUsage>;
  /**
   * The account key (accountKey) whose request budgets and pauses this remote spends: remotes on
   * one login answer the same, so a worker paces their jobs as one. Without it, the remote's name.
   */
  pacingAccount?(): Promise<string>;
  close?(): Promise<void>;
}

/**
 * Where a location really is. Two locations overlap when they share `store` and one `chain` starts
 * with the other (or both are equal).
 */
export interface LocationIdentity {
  /** One disk, or one cloud account's drive (type and account key): different stores never overlap. */
  store: string;
  /**
   * From the store's top down to the location: real path names on disk, item ids on a cloud. The
   * part of the path that does not exist yet follows as names, written so they never equal an id.
   */
  chain: readonly string[];
}

/** An account's storage in bytes, as `about` reports it; what the service does not tell stays undefined. */
export interface SpaceUsage {
  used?: number;
  total?: number;
  free?: number;
}

/** A location a command works on: a provider and a path inside it. */
export interface Location {
  provider: Provider;
  path: string;
  /** What the user typed, for messages. */
  display: string;
}
