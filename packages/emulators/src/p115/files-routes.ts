import { ERR, encode115Name } from '@ferry/protocols';
import { type AuthedCall, apiError } from './context.js';
import { formArray, readForm, sendJson, sendText } from './http-io.js';
import { type Node, ROOT_ID, type UserTree } from './store.js';

/** 115's page cap on `/files` (115driver MaxDirPageLimit, p115client). */
const MAX_LIMIT = 1150;

function shanghaiTime(unixS: number): string {
  return new Date((unixS + 8 * 3600) * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * One listing item with web short keys. Numbers go out as strings in some fields and as numbers
 * in others (odd-sized files get a string `s`), as the real service mixes them.
 */
function itemOf(tree: UserTree, node: Node): Record<string, unknown> {
  const common = {
    aid: '1',
    n: encode115Name(node.name),
    pc: node.pickCode,
    te: String(node.mtime),
    tp: String(node.ctime),
    tu: String(node.mtime),
    to: 0,
    m: 0,
    fl: [],
  };
  if (node.isDir) return { ...common, cid: node.id, pid: node.parentId, ico: 'folder', t: String(node.mtime), ns: node.name };
  const dot = node.name.lastIndexOf('.');
  return {
    ...common,
    fid: node.id,
    uid: Number(tree.userId),
    cid: node.parentId,
    s: node.size % 2 ? String(node.size) : node.size,
    sha: node.sha1,
    ico: dot > 0 ? node.name.slice(dot + 1).toLowerCase() : '',
    t: shanghaiTime(node.mtime),
  };
}

const ORDERS: Record<string, (a: Node, b: Node) => number> = {
  file_name: (a, b) => a.name.localeCompare(b.name),
  file_size: (a, b) => a.size - b.size,
  file_type: (a, b) => a.name.slice(a.name.lastIndexOf('.') + 1).localeCompare(b.name.slice(b.name.lastIndexOf('.') + 1)),
  user_ptime: (a, b) => a.ctime - b.ctime || (BigInt(a.id) < BigInt(b.id) ? -1 : 1),
  user_utime: (a, b) => a.mtime - b.mtime || (BigInt(a.id) < BigInt(b.id) ? -1 : 1),
  user_otime: (a, b) => a.mtime - b.mtime || (BigInt(a.id) < BigInt(b.id) ? -1 : 1),
};

/** `GET /webapi/files` (web notes §2.1-2.3). */
export function listFiles({ res, url, tree }: AuthedCall): void {
  const q = url.searchParams;
  const requested = q.get('cid') ?? ROOT_ID;
  // An unknown or missing cid is served as the root listing; clients must compare `cid`.
  const cid = tree.isLiveFolder(requested) ? requested : ROOT_ID;
  const offset = Math.max(0, Number(q.get('offset') ?? 0) || 0);
  // Choice where the notes are open: a limit above 1150 is clamped (and echoed), not refused.
  const limit = Math.min(MAX_LIMIT, Math.max(1, Number(q.get('limit') ?? 32) || 32));
  const showDir = (q.get('show_dir') ?? q.get('showdir') ?? '1') === '1';
  const order = q.get('o') && ORDERS[q.get('o')!] ? q.get('o')! : 'user_ptime';
  const asc = (q.get('asc') ?? '1') !== '0';
  const fcMix = q.get('fc_mix') === '1';
  const compare = ORDERS[order]!;
  const children = tree.children(cid).filter((n) => showDir || !n.isDir);
  children.sort((a, b) => {
    if (!fcMix && a.isDir !== b.isDir) return a.isDir ? -1 : 1;
    return asc ? compare(a, b) : compare(b, a);
  });
  const page = children.slice(offset, offset + limit);
  const folders = children.filter((n) => n.isDir).length;
  const path: Record<string, unknown>[] = [{ cid: 0, name: '根目录', pid: 0, aid: '1', isp: '0', p_cid: 0, fv: '0' }];
  if (cid !== ROOT_ID) {
    for (const n of [...tree.ancestors(cid), tree.get(cid)!]) {
      path.push({ cid: n.id, name: encode115Name(n.name), pid: n.parentId, aid: '1', isp: '0', p_cid: n.parentId, fv: '0' });
    }
  }
  sendJson(res, {
    state: true,
    error: '',
    errNo: 0,
    aid: 1,
    cid,
    count: children.length,
    file_count: String(children.length - folders),
    folder_count: folders,
    sys_count: 0,
    offset,
    limit,
    page_size: limit,
    order,
    is_asc: asc ? '1' : '0',
    fc_mix: fcMix ? 1 : 0,
    cur: 1,
    data: page.map((n) => itemOf(tree, n)),
    path,
  });
}

/** `GET /webapi/files/getid?path=a/b`: folders only; id 0 with state true when missing. */
export function getId({ res, url, tree }: AuthedCall): void {
  const path = url.searchParams.get('path') ?? '';
  const id = tree.folderByPath(path);
  sendJson(res, { state: true, error: '', errno: '', id: id === undefined ? 0 : id, is_private: '0' });
}

/** `GET /webapi/files/get_info?file_id=`: not for recycled items. */
export function getInfo({ res, url, tree }: AuthedCall): void {
  const id = url.searchParams.get('file_id') ?? '';
  const node = tree.live(id);
  if (!node) return sendJson(res, apiError(ERR.notFound, '文件不存在或已删除。'));
  sendJson(res, { state: true, error: '', errno: '', data: [itemOf(tree, node)] });
}

/** `GET /webapi/category/get?cid=`: a bare object on success, an empty body when missing. */
export function categoryGet({ res, url, tree }: AuthedCall): void {
  const id = url.searchParams.get('cid') ?? url.searchParams.get('fid') ?? '';
  const node = id === ROOT_ID ? undefined : tree.live(id);
  if (!node) return sendText(res, 200, '', 'application/json; charset=utf-8');
  sendJson(res, {
    file_name: encode115Name(node.name),
    pick_code: node.pickCode,
    sha1: node.sha1,
    count: node.isDir ? String(tree.children(node.id).length) : '0',
    size: `${(node.size / 1024).toFixed(1)}KB`,
    file_category: node.isDir ? '0' : '1',
    ptime: String(node.ctime),
    utime: String(node.mtime),
    paths: [{ file_id: 0, file_name: '根目录' }, ...tree.ancestors(node.id).map((n) => ({ file_id: n.id, file_name: encode115Name(n.name) }))],
  });
}

/** Name rules of mkdir/rename (p115client): non-empty, ≤ 255 chars, no `"`, `<`, `>` (nor `/`, which addresses paths). */
function nameProblem(name: string): [number, string] | undefined {
  if (name.trim() === '') return [ERR.nameEmpty, '文件夹名称不能为空。'];
  if ([...name].length > 255) return [ERR.nameTooLong, '文件夹名称不能超过255个字符。'];
  if (/["<>/]/.test(name)) return [ERR.nameForbidden, '文件夹名称不能包含特殊字符。'];
  return undefined;
}

export async function mkdir({ req, res, tree }: AuthedCall): Promise<void> {
  const form = await readForm(req);
  const pid = form.get('pid') ?? ROOT_ID;
  const name = form.get('cname') ?? '';
  const problem = nameProblem(name);
  if (problem) return sendJson(res, apiError(problem[0], problem[1]));
  if (!tree.isLiveFolder(pid)) return sendJson(res, apiError(ERR.parentMissing, '父目录不存在。'));
  if (tree.childFolder(pid, name)) return sendJson(res, apiError(ERR.nameExists, '该目录名称已存在。'));
  const node = tree.addFolder(pid, name);
  sendJson(res, { state: true, error: '', errno: '', aid: 1, cid: node.id, cname: encode115Name(name), file_id: node.id, file_name: encode115Name(name) });
}

/** `files_new_name[<id>]=<name>`. Choice: renaming onto an existing folder name answers 20004, like mkdir. */
export async function batchRename({ req, res, tree }: AuthedCall): Promise<void> {
  const form = await readForm(req);
  const renames: [string, string][] = [];
  for (const [k, v] of form) {
    const m = /^files_new_name\[(\d+)\]$/.exec(k);
    if (m) renames.push([m[1]!, v]);
  }
  if (!renames.length) return sendJson(res, apiError(ERR.badParams, '参数错误'));
  for (const [id, name] of renames) {
    const node = tree.live(id);
    if (!node) return sendJson(res, apiError(ERR.notFound, '文件不存在或已删除。'));
    const problem = nameProblem(name);
    if (problem) return sendJson(res, apiError(problem[0], problem[1]));
    const clash = tree.childFolder(node.parentId, name);
    if (node.isDir && clash && clash.id !== node.id) return sendJson(res, apiError(ERR.nameExists, '该目录名称已存在。'));
  }
  for (const [id, name] of renames) {
    const node = tree.get(id)!;
    node.name = name;
    node.mtime = Math.floor(Date.now() / 1000);
  }
  sendJson(res, { state: true, error: '', errno: '' });
}

/** Moving into a missing folder "succeeds" and leaves dangling nodes, as the notes report; a cycle is 800006. */
export async function move({ req, res, tree }: AuthedCall): Promise<void> {
  const form = await readForm(req);
  const pid = form.get('pid') ?? ROOT_ID;
  const ids = formArray(form, 'fid');
  if (!ids.length) return sendJson(res, apiError(ERR.badParams, '参数错误'));
  for (const id of ids) {
    if (!tree.live(id)) return sendJson(res, apiError(ERR.notFound, '文件不存在或已删除。'));
    if (tree.isAncestorOrSelf(id, pid)) return sendJson(res, apiError(ERR.cyclicMove, '不能移动到自身或其子目录。'));
  }
  for (const id of ids) tree.reparent(tree.get(id)!, pid);
  sendJson(res, { state: true, error: '', errno: '' });
}

export async function copy({ req, res, tree }: AuthedCall): Promise<void> {
  const form = await readForm(req);
  const pid = form.get('pid') ?? ROOT_ID;
  const ids = formArray(form, 'fid');
  if (!ids.length) return sendJson(res, apiError(ERR.badParams, '参数错误'));
  if (!tree.isLiveFolder(pid)) return sendJson(res, apiError(ERR.parentMissing, '目标目录不存在。'));
  for (const id of ids) {
    if (!tree.live(id)) return sendJson(res, apiError(ERR.notFound, '文件不存在或已删除。'));
    if (tree.isAncestorOrSelf(id, pid)) return sendJson(res, apiError(ERR.copyIntoSelf, '不能复制到自身或其子目录。'));
  }
  for (const id of ids) tree.copyInto(tree.get(id)!, pid);
  sendJson(res, { state: true, error: '', errno: '' });
}

/** `POST /webapi/rb/delete`: items go to the recycle bin (aid 7). */
export async function recycle({ req, res, tree }: AuthedCall): Promise<void> {
  const form = await readForm(req);
  const ids = formArray(form, 'fid');
  if (!ids.length) return sendJson(res, apiError(ERR.badParams, '参数错误'));
  for (const id of ids) if (!tree.live(id)) return sendJson(res, apiError(ERR.notFound, '文件不存在或已删除。'));
  for (const id of ids) tree.get(id)!.aid = 7;
  sendJson(res, { state: true, error: '', errno: '' });
}
