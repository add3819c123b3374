import { type Emulator115, p115EmulatorOptions, start115Emulator } from '@ferry/emulators';
import { P115Provider, type P115Options, p115Options } from '../src/index.js';

/** Options that point the provider at an emulator, with a fast bucket and short pauses for tests. */
export function emulatorOptions(emu: Emulator115, user = 0, overrides: Partial<P115Options> = {}): P115Options {
  const u = emu.users[user]!;
  return p115Options.parse({
    cookie: u.cookie,
    ...p115EmulatorOptions(emu),
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
