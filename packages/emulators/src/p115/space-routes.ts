import type { AuthedCall } from './context.js';
import { sendJson } from './http-io.js';
import type { UserTree } from './store.js';

/** Every emulated account's quota. 115 sells several sizes; which one does not matter to a client. */
const SPACE_TOTAL_115 = 2 * 1024 ** 4;

/** 115's display form ("1.5TB"): only people read it. */
function sizeFormat(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Math.round(v * 100) / 100}${units[i]}`;
}

/** Files in the recycle bin still take space until it is emptied, so they count as used. */
function usedBytes(tree: UserTree): number {
  let used = 0;
  for (const node of tree.nodes.values()) if (!node.isDir) used += node.size;
  return used;
}

/** `GET /webapi/files/index_info`: `data.space_info.{all_total,all_remain,all_use}.{size,size_format}` and the login devices. */
export function indexInfo({ res, tree }: AuthedCall): void {
  const used = usedBytes(tree);
  const remain = Math.max(0, SPACE_TOTAL_115 - used);
  const size = (n: number) => ({ size: n, size_format: sizeFormat(n) });
  sendJson(res, {
    state: true,
    error: '',
    errno: 0,
    data: {
      space_info: { all_total: size(SPACE_TOTAL_115), all_remain: size(remain), all_use: size(used) },
      login_devices_info: { last: {}, list: [] },
    },
  });
}
