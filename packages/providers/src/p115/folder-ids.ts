import type { z } from 'zod';
import { NotFound } from '@ferry/core';
import { categoryGet115, getId115 } from '@ferry/protocols';
import type { P115Api } from './api.js';

/**
 * Path -> folder id, through `files/getid` (folders only; id 0 = missing) and a cache. With a
 * `root_id` other than 0, remote paths are relative to that folder, so its own path on the drive
 * is looked up once and prefixed.
 */
export class FolderIds {
  private readonly cache = new Map<string, string>();
  private rootPrefix: Promise<string> | undefined;

  constructor(
    private readonly api: P115Api,
    private readonly rootId: string,
  ) {
    this.cache.set('/', rootId);
  }

  remember(path: string, id: string): void {
    this.cache.set(path, id);
  }

  /** Forgets a path and everything below it (after a move or delete). */
  forget(path: string): void {
    for (const key of [...this.cache.keys()]) {
      if (key !== '/' && (key === path || key.startsWith(`${path}/`))) this.cache.delete(key);
    }
  }

  /** The folder id of `path`, or undefined when no folder is there. */
  async find(path: string): Promise<string | undefined> {
    const cached = this.cache.get(path);
    if (cached) return cached;
    const prefix = await this.prefix();
    const reply = await this.api.call('webapi', '/files/getid', getId115, { query: { path: `${prefix}${path.slice(1)}` } });
    if (reply.id === '0') return undefined;
    this.cache.set(path, reply.id);
    return reply.id;
  }

  async require(path: string): Promise<string> {
    const id = await this.find(path);
    if (id === undefined) throw new NotFound(`${this.api.remote}:${path}: no such folder on 115`);
    return id;
  }

  /** Ids from the drive's top (0) down to folder or file `id`, from its ancestors as category/get lists them. */
  async chainOf(id: string): Promise<string[]> {
    if (id === '0') return ['0'];
    const info = await this.category(id);
    return [...(info.paths ?? []).map((p) => p.file_id), id];
  }

  private async category(id: string): Promise<z.infer<typeof categoryGet115>> {
    const json = await this.api.callRaw('webapi', '/category/get', { query: { cid: id, aid: 1 } });
    const parsed = categoryGet115.safeParse(json);
    if (!parsed.success) throw new NotFound(`${this.api.remote}: item ${id} is not on this 115 account`);
    return parsed.data;
  }

  private prefix(): Promise<string> {
    if (this.rootId === '0') return Promise.resolve('');
    this.rootPrefix ??= (async () => {
      const info = await this.category(this.rootId).catch((err: unknown) => {
        throw err instanceof NotFound ? new NotFound(`${this.api.remote}: root_id ${this.rootId} is not a folder on this 115 account`) : err;
      });
      const names = [...(info.paths ?? []).slice(1).map((p) => p.file_name), info.file_name];
      return `${names.join('/')}/`;
    })();
    return this.rootPrefix;
  }
}
