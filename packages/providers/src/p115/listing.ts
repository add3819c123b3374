import { type Entry, NotFound, TransientError, normalizeSha1 } from '@ferry/core';
import { type FileItem115, filesPage115 } from '@ferry/protocols';
import type { P115Api } from './api.js';

export interface ListedItem {
  entry: Entry;
  pickCode: string | undefined;
}

export function childPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

function entryOf(dir: string, item: FileItem115): ListedItem {
  const isDir = item.fid === undefined;
  const mtime = item.te ?? item.tu;
  return {
    entry: {
      path: childPath(dir, item.n),
      name: item.n,
      isDir,
      size: isDir ? 0 : (item.s ?? 0),
      ...(mtime ? { mtime: mtime * 1000 } : {}),
      ...(!isDir && normalizeSha1(item.sha) ? { sha1: normalizeSha1(item.sha)! } : {}),
      id: isDir ? item.cid : item.fid!,
    },
    pickCode: item.pc || undefined,
  };
}

/**
 * Pages through `GET webapi/files` lazily, one page per pull. 115 serves an unknown folder id as
 * the root listing, so a reply whose `cid` differs from the one asked for means "gone".
 */
export async function* listFolder(api: P115Api, dir: string, cid: string, pageSize: number): AsyncGenerator<ListedItem> {
  for (let offset = 0; ; ) {
    const page = await api.call('webapi', '/files', filesPage115, {
      query: {
        aid: 1,
        cid,
        offset,
        limit: pageSize,
        show_dir: 1,
        o: 'user_ptime',
        asc: 1,
        custom_order: 2,
        fc_mix: 0,
        natsort: 0,
        cur: 1,
        record_open_time: 1,
        format: 'json',
      },
    });
    if (page.cid !== cid) throw new NotFound(`${api.remote}:${dir}: no such folder on 115`);
    if (page.offset !== undefined && page.offset !== offset) {
      throw new TransientError(`${api.remote}:${dir}: 115 answered offset ${page.offset} for ${offset}; the folder changed while listing`);
    }
    for (const item of page.data) yield entryOf(dir, item);
    offset += page.data.length;
    if (page.data.length === 0 || offset >= page.count) return;
  }
}
