import { describe, expect, it } from 'vitest';
import { type Location, type LocationIdentity, findOverlap, notYetCreated } from '../src/index.js';
import { MemoryProvider } from '../src/testing/index.js';

/** A provider that says what its paths really are: `/` is `base` in the store. */
class Aliased extends MemoryProvider {
  constructor(
    remote: string,
    private readonly store: string,
    private readonly base: string[],
  ) {
    super(remote);
  }

  async identify(path: string): Promise<LocationIdentity> {
    return { store: this.store, chain: [...this.base, ...path.split('/').filter(Boolean)] };
  }
}

/** A provider whose every path is the same place: `chain` in store "s". */
class Fixed extends MemoryProvider {
  constructor(
    remote: string,
    private readonly chain: string[],
  ) {
    super(remote);
  }

  async identify(): Promise<LocationIdentity> {
    return { store: 's', chain: this.chain };
  }
}

const at = (provider: MemoryProvider, path: string): Location => ({ provider, path, display: `${provider.remote}:${path}` });

describe('findOverlap', () => {
  const whole = new Aliased('whole', 'disk', []);
  const media = new Aliased('media', 'disk', ['Media']);
  const other = new Aliased('other', 'other-account', ['Media']);

  it('compares what locations are, not their names', async () => {
    expect(await findOverlap(at(whole, '/Media/src'), at(media, '/'))).toMatch(/whole:\/Media\/src and destination media:\/ overlap \(the source is inside the destination\)/);
    expect(await findOverlap(at(media, '/'), at(whole, '/Media/src/new'))).toMatch(/the destination is inside the source/);
    expect(await findOverlap(at(media, '/src'), at(whole, '/Media/src'))).toMatch(/they are the same place\); choose another destination/);
    expect(await findOverlap(at(whole, '/Media/src'), at(media, '/src2'))).toBeUndefined();
    expect(await findOverlap(at(media, '/'), at(other, '/'))).toBeUndefined();
  });

  it('never takes a folder still to be made for an existing item of the same text', async () => {
    const existing = new Fixed('a', ['0', '42']);
    const planned = new Fixed('b', ['0', notYetCreated('42')]);
    expect(await findOverlap(at(existing, '/x'), at(planned, '/y'))).toBeUndefined();
  });

  it('falls back to the typed paths when a provider cannot say', async () => {
    const plain = new MemoryProvider('m');
    expect(await findOverlap(at(plain, '/a'), at(plain, '/a/b'))).toMatch(/overlap/);
    expect(await findOverlap(at(plain, '/a'), at(plain, '/ab'))).toBeUndefined();
  });
});
