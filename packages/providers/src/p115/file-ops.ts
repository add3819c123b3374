import { z } from 'zod';
import { mkdir115 } from '@ferry/protocols';
import type { P115Api } from './api.js';

const ok115 = z.looseObject({});

function indexed(key: string, values: readonly string[]): [string, string][] {
  return values.map((v, i) => [`${key}[${i}]`, v]);
}

/** `POST webapi/files/add`: a new folder's id. 20004 (name exists) surfaces as Conflict. */
export async function makeFolder(api: P115Api, parentId: string, name: string): Promise<string> {
  const reply = await api.call('webapi', '/files/add', mkdir115, { form: new URLSearchParams({ pid: parentId, cname: name }) });
  return reply.cid;
}

/** `POST webapi/files/batch_rename` with `files_new_name[<id>]`. Always the full name, extension included. */
export async function renameItem(api: P115Api, id: string, name: string): Promise<void> {
  await api.call('webapi', '/files/batch_rename', ok115, { form: new URLSearchParams([[`files_new_name[${id}]`, name]]) });
}

export async function moveItems(api: P115Api, ids: readonly string[], parentId: string): Promise<void> {
  await api.call('webapi', '/files/move', ok115, { form: new URLSearchParams([['pid', parentId], ...indexed('fid', ids)]) });
}

/** `POST webapi/rb/delete`: to the recycle bin. */
export async function recycleItems(api: P115Api, ids: readonly string[]): Promise<void> {
  await api.call('webapi', '/rb/delete', ok115, { form: new URLSearchParams([...indexed('fid', ids), ['ignore_warn', '1']]) });
}
