import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { BadInput, type PathLinks, linkAccountFor, linksClaiming, listLoginFlows, listPathLinks, registerProvider } from '../src/index.js';
import { MemoryProvider } from '../src/testing/index.js';

/** Links `memlink://ID`, opened as an inline `memshare` remote read with a `memacct` account. */
const memLinks: PathLinks = {
  noun: 'a memlink',
  help: 'a memlink (memlink://ID) is its share',
  claims: (arg) => arg.startsWith('memlink://'),
  locationOf: (arg, account) => `:memshare,id=${arg.slice('memlink://'.length)}${account() ? `,account=${account()}` : ''}:/`,
  account: { type: 'memacct', noun: 'mem account' },
};

beforeAll(() => {
  const create = (remote: string) => new MemoryProvider(remote);
  registerProvider({ type: 'memshare', description: 'test share', options: z.object({ id: z.string(), account: z.string().default('') }), secrets: [], create, links: memLinks });
  registerProvider({
    type: 'memacct',
    description: 'test account',
    options: z.object({}),
    secrets: [],
    create,
    login: { name: 'mem', description: 'test login', flags: [], examples: [], run: () => Promise.reject(new Error('not run here')) },
  });
});

const config = (types: Record<string, string>) => ({ remotes: Object.fromEntries(Object.entries(types).map(([name, type]) => [name, { type }])) });

describe('declared path links', () => {
  it('are found by the argument they claim, and listed with their type', () => {
    expect(linksClaiming('memlink://abc')).toBe(memLinks);
    expect(linksClaiming('remote:/path')).toBeUndefined();
    expect(listPathLinks()).toContainEqual({ type: 'memshare', links: memLinks });
    expect(listLoginFlows().map(({ type, flow }) => `${type}:${flow.name}`)).toContain('memacct:mem');
  });

  it('take --account when it names an account, else a dest that is one, else the only one', () => {
    const two = config({ a: 'memacct', b: 'memacct', disk: 'memshare' });
    expect(linkAccountFor(memLinks, 'b', two, 'a:/x')).toBe('b');
    expect(linkAccountFor(memLinks, undefined, two, 'a:/x')).toBe('a');
    expect(linkAccountFor(memLinks, undefined, config({ only: 'memacct' }), '/local/dir')).toBe('only');
    expect(linkAccountFor(memLinks, undefined, config({}), undefined)).toBeUndefined();
    expect(() => linkAccountFor(memLinks, undefined, two, '/local/dir')).toThrow('several mem accounts are configured (a, b): choose one with --account');
  });

  it('refuse an --account that is missing or of another type, saying how to add one through its login', () => {
    const cfg = config({ disk: 'memshare' });
    expect(() => linkAccountFor(memLinks, 'nobody', cfg)).toThrow(BadInput);
    expect(() => linkAccountFor(memLinks, 'nobody', cfg)).toThrow("--account: unknown remote 'nobody' (add one with `ferry remote add nobody memacct` and `ferry login mem nobody`)");
    expect(() => linkAccountFor(memLinks, 'disk', cfg)).toThrow("--account: remote 'disk' is memshare, not a mem account (memacct)");
  });
});
