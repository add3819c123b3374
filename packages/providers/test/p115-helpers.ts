import { type Emulator115, start115Emulator } from '@ferry/emulators';
import { P115Provider, type P115Options, p115Options } from '../src/index.js';

/** Options that point the provider at an emulator, with a fast bucket and short pauses for tests. */
export function emulatorOptions(emu: Emulator115, user = 0, overrides: Partial<P115Options> = {}): P115Options {
  const u = emu.users[user]!;
  return p115Options.parse({
    cookie: u.cookie,
    webapi_url: emu.hosts.webapi,
    proapi_url: emu.hosts.proapi,
    passportapi_url: emu.hosts.passportapi,
    qrcodeapi_url: emu.hosts.qrcodeapi,
    lixian_url: emu.hosts.lixian,
    uplb_url: emu.hosts.uplb,
    ecdh_pub: emu.ecdh_pub,
    rsa_n: emu.rsa_n,
    rsa_e: emu.rsa_e,
    oss_scheme: 'http',
    connect_to: `*.aliyuncs.com=${emu.ossConnect}`,
    qps: 100,
    backoff_ms: 50,
    ...overrides,
  });
}

export function emulatorProvider(emu: Emulator115, user = 0, overrides: Partial<P115Options> = {}): P115Provider {
  return new P115Provider('em', emulatorOptions(emu, user, overrides));
}

/** One emulator per test file, started on first use. */
export function lazyEmulator(users = ['alice', 'bob']): { get(): Promise<Emulator115>; close(): Promise<void> } {
  let started: Promise<Emulator115> | undefined;
  return {
    get: () => (started ??= start115Emulator({ users })),
    close: async () => {
      if (started) await (await started).close();
    },
  };
}
