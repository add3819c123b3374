import type { EmulatorRemote } from '../remote-entry.js';

/** The Aliyun emulator as started in-process or as its `ferry emulate aliyun-open --json` line prints it. */
export interface AliyunOpenEmulatorEndpoints {
  base: string;
  client_id: string;
  client_secret: string;
  refresh_token: string;
}

/**
 * The aliyun-open remote options that reach this emulator: the one place that knows which option
 * names which of its fields (the CLI's `emulate aliyun-open` and demo remotes and every test build on
 * it). Plain values, so the emulator needs no provider to say it. `refreshToken` defaults to the
 * one issued at start, which the first refresh spends; a second remote needs its own
 * (`issueRefreshToken()`).
 */
export function aliyunOpenEmulatorOptions(e: AliyunOpenEmulatorEndpoints, refreshToken: string = e.refresh_token): Record<string, string> {
  return {
    refresh_token: refreshToken,
    client_id: e.client_id,
    client_secret: e.client_secret,
    endpoint: e.base,
  };
}

/** An aliyun-open remote that reaches this emulator with its start-up refresh token. */
export function aliyunOpenEmulatorRemote(e: AliyunOpenEmulatorEndpoints): EmulatorRemote {
  return { type: 'aliyun-open', ...aliyunOpenEmulatorOptions(e) };
}
