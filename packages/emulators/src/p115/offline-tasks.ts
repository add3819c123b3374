import { createHash } from 'node:crypto';
import { type UserTree } from './store.js';

export interface OfflineTask {
  info_hash: string;
  name: string;
  size: number;
  url: string;
  add_time: number;
  last_update: number;
  /** -1 failed, 0 waiting, 1 running, 2 done (115driver's reading; web notes §6). */
  status: number;
  percentDone: number;
  file_id: string;
  wp_path_id: string;
  error?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
/** A downloaded body larger than this fails the task: the emulator keeps offline results in memory. */
const MAX_FETCH_BYTES = 256 * 1024 * 1024;

export function infoHashOf(url: string): string {
  return createHash('sha1').update(url).digest('hex');
}

export function isSupportedLink(url: string): boolean {
  return /^(https?|ftp):\/\/[^\s/]+/i.test(url) || /^magnet:\?xt=urn:btih:[0-9a-z]{32,40}/i.test(url) || /^ed2k:\/\/\|file\|/i.test(url);
}

function nameOf(url: string): string {
  if (/^magnet:/i.test(url)) return new URLSearchParams(url.slice(url.indexOf('?') + 1)).get('dn') ?? infoHashOf(url);
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : 'index.html';
  } catch {
    return infoHashOf(url);
  }
}

/**
 * One user's offline (cloud download) tasks. http(s) tasks pointing at a loopback address really
 * run: the emulator fetches the URL and lands the file in the target folder. Anything else stays
 * waiting (status 0) until a test drives it: the emulator never reaches the internet.
 */
export class OfflineTasks {
  readonly tasks = new Map<string, OfflineTask>();
  used = 0;

  constructor(private readonly tree: UserTree) {}

  add(url: string, folderId: string): OfflineTask {
    const now = Math.floor(Date.now() / 1000);
    const task: OfflineTask = {
      info_hash: infoHashOf(url),
      name: nameOf(url),
      size: 0,
      url,
      add_time: now,
      last_update: now,
      status: 0,
      percentDone: 0,
      file_id: '',
      wp_path_id: folderId,
    };
    this.tasks.set(task.info_hash, task);
    this.used++;
    if (/^https?:/i.test(url) && LOOPBACK.has(new URL(url).hostname)) void this.run(task);
    return task;
  }

  private async run(task: OfflineTask): Promise<void> {
    task.status = 1;
    try {
      const response = await fetch(task.url, { redirect: 'follow' });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        size += (chunk as Uint8Array).length;
        if (size > MAX_FETCH_BYTES) throw new Error('too large for the emulator');
        chunks.push(Buffer.from(chunk as Uint8Array));
        task.size = size;
      }
      if (!this.tasks.has(task.info_hash)) return;
      const data = Buffer.concat(chunks);
      const parentId = this.tree.isLiveFolder(task.wp_path_id) ? task.wp_path_id : '0';
      const node = this.tree.addFile(parentId, task.name, { kind: 'memory', data }, data.length, createHash('sha1').update(data).digest('hex'));
      Object.assign(task, { status: 2, percentDone: 100, size: data.length, file_id: node.id });
    } catch (err) {
      Object.assign(task, { status: -1, error: (err as Error).message });
    } finally {
      task.last_update = Math.floor(Date.now() / 1000);
    }
  }
}
