import { type P115Emulator, p115EmulatorOptions, startP115Emulator } from '@ferry/emulators';
import { P115Provider, type P115Options, p115Options } from '../src/index.js';

/** Options that point the provider at an emulator, with a fast bucket and short pauses for tests. */
export function emulatorOptions(emu: P115Emulator, user = 0, overrides: Partial<P115Options> = {}): P115Options {
  const u = emu.users[user]!;
  return p115Options.parse({
    cookie: u.cookie,
    ...p115EmulatorOptions(emu),
    qps: 100,
    backoff_ms: 50,
    ...overrides,
  });
}

export function emulatorProvider(emu: P115Emulator, user = 0, overrides: Partial<P115Options> = {}): P115Provider {
  return new P115Provider('em', emulatorOptions(emu, user, overrides));
}

/** One emulator per test file, started on first use. */
export function lazyEmulator(users = ['alice', 'bob']): { get(): Promise<P115Emulator>; close(): Promise<void> } {
  let started: Promise<P115Emulator> | undefined;
  return {
    get: () => (started ??= startP115Emulator({ users })),
    close: async () => {
      if (started) await (await started).close();
    },
  };
}
