import type { Readable } from 'node:stream';
import {
  BadInput,
  type Capabilities,
  Conflict,
  type Entry,
  type LocationIdentity,
  type Placement,
  NotFound,
  type Provider,
  type ProviderContext,
  type RapidResult,
  type RapidSource,
  type ReadOptions,
  type SpaceUsage,
  type UploadRequest,
  type UploadSession,
  type UploadState,
} from '@ferry/core';
import {
  ALIYUN_PATHS,
  aliyunDriveInfoSchema,
  aliyunFileRefResponseSchema,
  aliyunFileSchema,
  aliyunMoveResponseSchema,
  aliyunSpaceInfoSchema,
  aliyunPartCount,
  aliyunPartNumbers,
  aliyunPartSize,
} from '@ferry/protocols';
import { AliyunOpenApi } from './api.js';
import { type FileCreate, NamePolicy, createFile } from './create-file.js';
import { Downloads } from './download.js';
import type { AliyunOpenOptions } from './options.js';
import { tryRapid } from './rapid.js';
import { Account } from './token.js';
import { Tree, joinRemote, pathNames, toEntry } from './tree.js';
import { AliyunOpenUpload, dropUpload, handoverIn, isAliyunOpenUploadState } from './upload.js';

/**
 * Aliyun Drive through its Open Platform API, as a source (lazy listing with SHA-1, ranged reads)
 * and as a target (rapid upload first, else a streamed multipart upload checked by SHA-1).
 */
export class AliyunOpenProvider implements Provider {
  readonly type = 'aliyun-open';
  readonly capabilities: Capabilities = {
    read: true,
    write: true,
    rapidUpload: true,
    serverSideImport: false,
    hashes: ['sha1'],
    rangeRead: true,
    sameNameFiles: false,
  };
  private readonly api: AliyunOpenApi;
  private drive: Promise<{ tree: Tree; downloads: Downloads }> | undefined;

  constructor(
    readonly remote: string,
    private readonly options: AliyunOpenOptions,
    context: ProviderContext = {},
  ) {
    // A stored access token (a PKCE login's) is used as it is: only a refresh needs the app's credentials.
    if (options.access_token === undefined && !(options.client_id && options.client_secret) && !options.token_url) {
      throw new BadInput(`remote '${remote}': aliyun-open needs client_id and client_secret, or a token_url`);
    }
    const endpoint = options.endpoint.replace(/\/+$/, '');
    const tokens = {
      ...(options.refresh_token ? { refreshToken: options.refresh_token } : {}),
      ...(options.access_token ? { accessToken: options.access_token } : {}),
      ...(options.access_token_expires ? { accessExpiresAt: Date.parse(options.access_token_expires) } : {}),
    };
    const account = Account.for(tokens, {
      remote,
      endpoint,
      clientId: options.client_id,
      clientSecret: options.client_secret,
      tokenUrl: options.token_url,
      context,
    });
    this.api = new AliyunOpenApi(endpoint, account);
  }

  private display = (path: string): string => `${this.remote}:${path}`;

  async pacingAccount(): Promise<string> {
    await this.ready();
    return this.api.pacingAccount;
  }

  /** The user id (which names the account's budget) and the drive id come from getDriveInfo once, on first use. */
  private ready(): Promise<{ tree: Tree; downloads: Downloads }> {
    this.drive ??= (async () => {
      const info = await this.api.call(ALIYUN_PATHS.driveInfo, {}, aliyunDriveInfoSchema, `remote '${this.remote}'`);
      this.api.identify(info.user_id);
      const driveId = this.options.drive === 'resource' ? info.resource_drive_id : info.default_drive_id;
      if (!driveId) throw new BadInput(`remote '${this.remote}': the account did not grant the ${this.options.drive} drive; authorize it or use drive=default`);
      return { tree: new Tree(this.api, driveId, this.options.root_id, this.display), downloads: new Downloads(this.api, driveId) };
    })();
    this.drive.catch(() => {
      this.drive = undefined;
    });
    return this.drive;
  }

  /** One drive of one account at one API endpoint, and the file ids down to `path` in it. */
  async identify(path: string): Promise<LocationIdentity> {
    const { tree } = await this.ready();
    return { store: `aliyun-open:${this.options.endpoint.replace(/\/+$/, '')}|${tree.driveId}`, chain: await tree.idChain(path) };
  }

  async stat(path: string): Promise<Entry> {
    const { tree } = await this.ready();
    const names = pathNames(path, this.display(path));
    if (names.length === 0) return { path: '/', name: '', isDir: true, size: 0, id: tree.rootId };
    const normal = `/${names.join('/')}`;
    const file = await tree.lookup(normal);
    if (file.type === 'folder') tree.rememberFolder(normal, file.file_id);
    return toEntry(normal, file);
  }

  async *list(dir: string): AsyncIterable<Entry> {
    const { tree } = await this.ready();
    const names = pathNames(dir, this.display(dir));
    const base = names.length ? `/${names.join('/')}` : '/';
    const parentId = await tree.folderId(base);
    for await (const items of tree.pages(parentId, this.display(base))) {
      for (const file of items) {
        const path = joinRemote(base, file.name);
        if (file.type === 'folder') tree.rememberFolder(path, file.file_id);
        yield toEntry(path, file);
      }
    }
  }

  private async fileId(entry: Entry): Promise<string> {
    return entry.id ?? (await this.stat(entry.path)).id!;
  }

  async openRead(entry: Entry, options: ReadOptions = {}): Promise<Readable> {
    const { downloads } = await this.ready();
    const start = options.start ?? 0;
    const end = options.end ?? entry.size;
    return downloads.open(await this.fileId(entry), start, end, entry.size, this.display(entry.path));
  }

  async readRange(entry: Entry, start: number, end: number): Promise<Buffer> {
    const { downloads } = await this.ready();
    return downloads.read(await this.fileId(entry), start, end, entry.size, this.display(entry.path));
  }

  async mkdirp(dir: string): Promise<void> {
    const { tree } = await this.ready();
    await tree.mkdirp(dir);
  }

  /** Where a file lands: its checked name and its parent folder's id. */
  private async placement(path: string): Promise<FileCreate & { dir: string }> {
    const { tree } = await this.ready();
    const where = this.display(path);
    const names = pathNames(path, where);
    const name = names.pop();
    if (!name) throw new BadInput(`${where}: cannot write a file over the remote's root`);
    const dir = names.length ? `/${names.join('/')}` : '/';
    return { api: this.api, driveId: tree.driveId, parentId: await tree.folderId(dir), name, where, dir };
  }

  private partSize(size: number): number {
    return aliyunPartSize(size, this.options.part_size);
  }

  async tryRapidUpload(path: string, source: RapidSource, placement: Placement = {}): Promise<RapidResult> {
    return tryRapid(await this.placement(path), new NamePolicy(placement.onConflict ?? 'overwrite'), source, this.partSize(source.size));
  }

  /** Deletes the file the handed-over session was creating. */
  async discardRapidMiss(state: UploadState): Promise<void> {
    const handover = handoverIn(state);
    if (!handover) return;
    await dropUpload(this.api, handover.drive_id, handover.created.file_id, this.display(handover.path));
  }

  async beginUpload(path: string, request: UploadRequest): Promise<UploadSession> {
    const target = await this.placement(path);
    const names = new NamePolicy(request.onConflict ?? 'overwrite');
    const handover = handoverIn(request.resume);
    if (handover && handover.drive_id === target.driveId && handover.path === joinRemote(target.dir, target.name)) {
      if (handover.size === request.size && Date.now() < handover.expires_at) return AliyunOpenUpload.fromHandover(target, names, handover);
      // A stale session is deleted, so no half-made file of it outlives the fresh one.
      await dropUpload(this.api, handover.drive_id, handover.created.file_id, target.where);
    } else if (isAliyunOpenUploadState(request.resume) && request.resume.drive_id === target.driveId) {
      const resumed = await AliyunOpenUpload.resume(target, names, request.size, request.resume);
      if (resumed) return resumed;
    }
    const partSize = this.partSize(request.size);
    const parts = aliyunPartCount(request.size, partSize);
    const created = await createFile(target, names, {
      size: request.size,
      part_info_list: aliyunPartNumbers(1, parts),
      ...(request.mtime !== undefined ? { local_modified_at: new Date(request.mtime).toISOString() } : {}),
    });
    return AliyunOpenUpload.fromCreate(target, names, request.size, partSize, created, parts);
  }

  /**
   * Files and folders go to the recycle bin, where the user can still restore them. `id` picks
   * one of several files of one name (other clients can make them with check_name_mode ignore).
   */
  async remove(path: string, id?: string): Promise<void> {
    const { tree } = await this.ready();
    const where = this.display(path);
    const names = pathNames(path, where);
    if (names.length === 0) throw new BadInput(`${where}: refusing to remove the remote's root`);
    const normal = `/${names.join('/')}`;
    const fileId = id ?? (await tree.lookup(normal)).file_id;
    await this.api.call(ALIYUN_PATHS.trash, { drive_id: tree.driveId, file_id: fileId }, aliyunFileRefResponseSchema, where);
    tree.forget(normal);
  }

  /** The user's personal space, which every drive of the account shares. */
  async about(): Promise<SpaceUsage> {
    const info = await this.api.call(ALIYUN_PATHS.spaceInfo, {}, aliyunSpaceInfoSchema, `remote '${this.remote}'`);
    const { used_size: used, total_size: total } = info.personal_space_info;
    return { used, total, free: Math.max(0, total - used) };
  }

  async move(from: string, to: string): Promise<Entry> {
    const { tree } = await this.ready();
    const where = this.display(from);
    const names = pathNames(from, where);
    if (names.length === 0) throw new BadInput(`${where}: cannot move the remote's root`);
    const source = await tree.lookup(`/${names.join('/')}`);
    const target = await this.placement(to);
    if (source.name !== target.name) {
      const taken = await tree.lookup(joinRemote(target.dir, target.name)).then(
        () => true,
        (err: unknown) => {
          if (err instanceof NotFound) return false;
          throw err;
        },
      );
      if (taken) throw new Conflict(`${this.display(to)}: the name is taken; nothing was moved`);
    }
    // move's new_name is only "the name used when a same-named file exists" (Android SDK MoveFile,
    // tickstep FileMoveParam): without a clash the item keeps its name, so a rename follows.
    const moved = await this.api.call(
      ALIYUN_PATHS.move,
      { drive_id: tree.driveId, file_id: source.file_id, to_parent_file_id: target.parentId, new_name: target.name, check_name_mode: 'refuse' },
      aliyunMoveResponseSchema,
      where,
    );
    if (moved.exist) throw new Conflict(`${this.display(to)}: the name is taken; nothing was moved`);
    tree.forget(`/${names.join('/')}`);
    if (source.name !== target.name) {
      const landed = await this.api.call(ALIYUN_PATHS.get, { drive_id: tree.driveId, file_id: moved.file_id }, aliyunFileSchema, where);
      if (landed.name !== target.name) {
        const dest = joinRemote(target.dir, landed.name);
        try {
          await this.api.call(ALIYUN_PATHS.update, { drive_id: tree.driveId, file_id: moved.file_id, name: target.name, check_name_mode: 'refuse' }, aliyunFileSchema, where);
        } catch (err) {
          if (err instanceof Conflict) throw new Conflict(`${this.display(to)}: the name is taken; the item was moved as ${this.display(dest)}`, { cause: err });
          throw err;
        }
      }
    }
    return this.stat(joinRemote(target.dir, target.name));
  }
}

