import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { sleep } from '@ferry/core';
import { offlineAdd, offlineList, offlineRemove } from '../src/index.js';
import { emulatorProvider, lazyEmulator } from './p115-helpers.js';

const emulator = lazyEmulator();
const payload = randomBytes(70_000);
const origin = createServer((req, res) => {
  if (req.url === '/files/movie.mkv') {
    res.writeHead(200, { 'content-length': payload.length });
    res.end(payload);
  } else {
    res.writeHead(404).end();
  }
});
afterAll(async () => {
  await emulator.close();
  await new Promise((r) => origin.close(r));
});

describe('p115 offline download', () => {
  it('an http task on a loopback URL lands its file and lists as done', async () => {
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(origin.address() as AddressInfo).port}/files/movie.mkv`;
    const emu = await emulator.get();
    emu.tree('alice').folderByPath('downloads', true);
    const provider = emulatorProvider(emu);

    const results = await offlineAdd(provider, [url, 'notalink', 'magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=x', url], '/downloads');
    expect(results.map((r) => r.ok)).toEqual([true, false, true, false]);
    expect(results[1]!.reason).toMatch(/10004/);
    expect(results[3]!.reason).toMatch(/10008/);
    expect(results[3]!.infoHash).toBe(results[0]!.infoHash);

    let task;
    for (;;) {
      const { tasks, quotaLeft } = await offlineList(provider);
      expect(quotaLeft).toBe(98);
      task = tasks.find((t) => t.info_hash === results[0]!.infoHash)!;
      if (task.status !== 0 && task.status !== 1) break;
      await sleep(20);
    }
    expect(task).toMatchObject({ status: 2, percentDone: 100, name: 'movie.mkv', size: payload.length });
    const entry = await provider.stat('/downloads/movie.mkv');
    expect(entry.sha1).toBe(createHash('sha1').update(payload).digest('hex'));

    emu.setOfflineTask('alice', results[2]!.infoHash!, { status: -1 });
    expect((await offlineList(provider)).tasks.find((t) => t.info_hash === results[2]!.infoHash)?.status).toBe(-1);

    await offlineRemove(provider, [results[0]!.infoHash!, results[2]!.infoHash!]);
    expect((await offlineList(provider)).tasks).toEqual([]);
    await provider.close();
  });
});
