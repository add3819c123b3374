import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type Provider, can, capabilityMismatches } from '../src/index.js';
import { MemoryProvider } from '../src/testing/index.js';

/** A provider that declares what `flags` say and holds only the methods in `methods`. */
function declaring(flags: Partial<Provider['capabilities']>, methods: Partial<Provider> = {}): Provider {
  return {
    type: 'declaring',
    remote: 'd',
    capabilities: { read: true, write: false, rapidUpload: false, serverSideImport: false, hashes: [], rangeRead: true, sameNameFiles: false, ...flags },
    stat: async () => ({ path: '/', name: '', isDir: true, size: 0 }),
    list: async function* () {},
    openRead: async () => Readable.from([]),
    readRange: async () => Buffer.alloc(0),
    ...methods,
  };
}

describe('capabilities, declared once', () => {
  it('answers from the flag and the methods together', () => {
    const writer = new MemoryProvider('w');
    expect(can(writer, 'write')).toBe(true);
    expect(can(writer, 'remove')).toBe(true);
    expect(can(writer, 'rapidUpload')).toBe(false);
    expect(can(new MemoryProvider('r', { rapidUpload: true }), 'rapidUpload')).toBe(true);
    expect(can(declaring({}), 'remove')).toBe(false);
  });

  it('finds the test fixture consistent with and without rapid upload', () => {
    expect(capabilityMismatches(new MemoryProvider('a'))).toEqual([]);
    expect(capabilityMismatches(new MemoryProvider('b', { rapidUpload: true }))).toEqual([]);
  });

  it('names a flag without its methods, and methods without their flag, and then cannot', () => {
    const flagOnly = declaring({ write: true, rapidUpload: true });
    expect(can(flagOnly, 'write')).toBe(false);
    expect(can(flagOnly, 'rapidUpload')).toBe(false);
    expect(capabilityMismatches(flagOnly)).toEqual([
      'capabilities.write is set but beginUpload, mkdirp are missing (write)',
      'capabilities.rapidUpload is set but tryRapidUpload is missing (rapidUpload)',
    ]);
    const methodOnly = declaring({}, { tryRapidUpload: async () => ({ status: 'miss' }) });
    expect(can(methodOnly, 'rapidUpload')).toBe(false);
    expect(capabilityMismatches(methodOnly)).toEqual(['capabilities.rapidUpload is not set but tryRapidUpload is there (rapidUpload)']);
  });
});
