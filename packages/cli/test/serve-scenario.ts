import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { type AliyunOpenEmulator, type P115Emulator, startP115Emulator, startAliyunOpenEmulator } from '@ferry/emulators';
import { type RunResult, type Sandbox, aliyunOpenArgs, ferry, finished, p115EndpointArgs, sandbox, startFerry, waitFor } from './helpers.js';
import { withQueuePrefix } from './queue-sandbox.js';

/**
 * Redis, an emulated 115 and Aliyun, remotes `my115` and `ali`, and `ferry serve` (no worker yet:
 * `startWorker` adds one). The 115 drive holds Films/rapid.bin, which Aliyun already has (a rapid
 * upload), and Films/streamed.bin, which it has not; a live share of /Films and an expired one.
 */
export interface ServeScenario {
  box: Sandbox;
  emu: P115Emulator;
  ali: AliyunOpenEmulator;
  base: string;
  token: string;
  url: string;
  liveLink: string;
  expiredLink: string;
  /** Every value of the config that must never reach a browser. */
  secrets: string[];
  startWorker(): void;
  stop(): Promise<void>;
}

export async function startServeScenario(): Promise<ServeScenario> {
  const cleanups: (() => Promise<void>)[] = [];
  const plain = await sandbox();
  cleanups.push(() => fs.rm(plain.dir, { recursive: true, force: true }));
  const box = withQueuePrefix(plain, cleanups);
  const emu = await startP115Emulator({ users: ['alice'] });
  cleanups.push(() => emu.close());
  const ali = await startAliyunOpenEmulator({ rateLimits: false });
  cleanups.push(() => ali.close());
  const rapid = randomBytes(400_000);
  emu.putFile('alice', 'Films/rapid.bin', rapid);
  emu.putFile('alice', 'Films/streamed.bin', randomBytes(300_000));
  ali.addBlob(rapid);
  emu.putFile('alice', 'Old/gone.txt', Buffer.from('old\n'));
  const live = emu.createShare('alice', ['/Films'], { receiveCode: 'ab12' });
  const expired = emu.createShare('alice', ['/Old'], { receiveCode: 'cd34', expireTime: Math.floor(Date.now() / 1000) - 3600 });
  const cookie = emu.users.find((u) => u.name === 'alice')!.cookie;
  const must = (r: RunResult) => {
    if (r.code !== 0) throw new Error(r.stderr);
  };
  must(await ferry(['remote', 'add', 'my115', 'p115', `cookie=${cookie}`, ...p115EndpointArgs(emu)], box));
  must(
    await ferry(
      ['remote', 'add', 'ali', 'aliyun-open', ...aliyunOpenArgs(ali)],
      box,
    ),
  );
  const config = JSON.parse(await fs.readFile(box.env.FERRY_CONFIG!, 'utf8')) as { remotes: { ali: { refresh_token: string } } };
  const secrets = [cookie, ...cookie.split(/;\s*/).map((kv) => kv.slice(kv.indexOf('=') + 1)), ali.refresh_token, config.remotes.ali.refresh_token, ali.client_secret];

  const stopChild = (child: ChildProcess) => {
    const done = finished(child);
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await done;
    });
  };
  const serve = startFerry(['serve', '--addr', '127.0.0.1:0'], box);
  const url = (await waitFor(serve.stdout!, /(http:\/\/\S+\?token=(\S+))\n/))[1]!;
  stopChild(serve);
  const token = decodeURIComponent(/token=(\S+)/.exec(url)![1]!);
  return {
    box,
    emu,
    ali,
    base: new URL(url).origin,
    token,
    url,
    liveLink: `https://115cdn.com/s/${live.share_code}?password=${live.receive_code}`,
    expiredLink: `https://115cdn.com/s/${expired.share_code}?password=${expired.receive_code}`,
    secrets: secrets.filter((s) => s.length >= 8),
    startWorker() {
      const worker = startFerry(['worker', '--concurrency', '2'], box);
      stopChild(worker);
    },
    async stop() {
      for (const c of cleanups.splice(0).reverse()) await c();
    },
  };
}
