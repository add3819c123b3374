import { type AliyunEmulator, type AliyunEmulatorOptions, aliyunEmulatorOptions, startAliyunEmulator } from '@ferry/emulators';
import { AliyunOpenProvider, type AliyunOpenOptions, aliyunOpenOptions } from '../src/index.js';

export { bytes } from '@ferry/core/testing';

export interface AliyunFixture {
  emulator: AliyunEmulator;
  provider: AliyunOpenProvider;
  /** Every options patch the provider asked core to persist. */
  saved: Record<string, unknown>[];
}

/** A provider over a fresh emulator, with its own refresh token. */
export async function aliyunFixture(
  emulatorOptions: AliyunEmulatorOptions = {},
  providerOptions: Partial<AliyunOpenOptions> = {},
): Promise<AliyunFixture> {
  const emulator = await startAliyunEmulator(emulatorOptions);
  const saved: Record<string, unknown>[] = [];
  const provider = newProvider(emulator, providerOptions, saved);
  return { emulator, provider, saved };
}

export function newProvider(
  emulator: AliyunEmulator,
  providerOptions: Partial<AliyunOpenOptions> = {},
  saved: Record<string, unknown>[] = [],
): AliyunOpenProvider {
  const options = aliyunOpenOptions.parse({ ...aliyunEmulatorOptions(emulator, emulator.issueRefreshToken()), ...providerOptions });
  return new AliyunOpenProvider('ali', options, {
    saveOptions: async (patch) => {
      saved.push(patch);
    },
  });
}

