import { type AliyunOpenEmulator, type AliyunOpenEmulatorOptions, aliyunOpenEmulatorOptions, startAliyunOpenEmulator } from '@ferry/emulators';
import { AliyunOpenProvider, type AliyunOpenOptions, aliyunOpenOptions } from '../src/index.js';

export { bytes } from '@ferry/core/testing';

export interface AliyunOpenFixture {
  emulator: AliyunOpenEmulator;
  provider: AliyunOpenProvider;
  /** Every options patch the provider asked core to persist. */
  saved: Record<string, unknown>[];
}

/** A provider over a fresh emulator, with its own refresh token. */
export async function aliyunOpenFixture(
  emulatorOptions: AliyunOpenEmulatorOptions = {},
  providerOptions: Partial<AliyunOpenOptions> = {},
): Promise<AliyunOpenFixture> {
  const emulator = await startAliyunOpenEmulator(emulatorOptions);
  const saved: Record<string, unknown>[] = [];
  const provider = newProvider(emulator, providerOptions, saved);
  return { emulator, provider, saved };
}

export function newProvider(
  emulator: AliyunOpenEmulator,
  providerOptions: Partial<AliyunOpenOptions> = {},
  saved: Record<string, unknown>[] = [],
): AliyunOpenProvider {
  const options = aliyunOpenOptions.parse({ ...aliyunOpenEmulatorOptions(emulator, emulator.issueRefreshToken()), ...providerOptions });
  return new AliyunOpenProvider('ali', options, {
    saveOptions: async (patch) => {
      saved.push(patch);
    },
  });
}

