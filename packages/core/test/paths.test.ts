import { describe, expect, it } from 'vitest';
import { BadInput, PathFilter, checkName, normalizePath, parseRemotePath } from '../src/index.js';

describe('remote paths', () => {
  it('reads name:/path as a remote and anything else as local disk', () => {
    expect(parseRemotePath('my115:/Movies/a.mkv')).toEqual({ remote: 'my115', path: '/Movies/a.mkv' });
    expect(parseRemotePath('ali:')).toEqual({ remote: 'ali', path: '/' });
    expect(parseRemotePath('ali:dir//sub/')).toEqual({ remote: 'ali', path: '/dir/sub' });
    expect(parseRemotePath('/home/me/x')).toEqual({ remote: undefined, path: '/home/me/x' });
    expect(parseRemotePath('./a:b')).toEqual({ remote: undefined, path: './a:b' });
  });

  it('reads :type,key=value:/path as a remote given inline', () => {
    expect(parseRemotePath(':p115-share,share_code=sw6pw793wfp,receive_code=ab12:/Films')).toEqual({
      remote: ':p115-share,share_code=sw6pw793wfp,receive_code=ab12',
      path: '/Films',
      inline: { type: 'p115-share', options: ['share_code=sw6pw793wfp', 'receive_code=ab12'] },
    });
    expect(parseRemotePath(':memory:')).toEqual({ remote: ':memory', path: '/', inline: { type: 'memory', options: [] } });
    expect(() => parseRemotePath(':no colon after')).toThrow(BadInput);
  });

  it('refuses .. in remote paths', () => {
    expect(() => parseRemotePath('r:/a/../../etc')).toThrow(BadInput);
    expect(normalizePath('/a/./b/')).toBe('/a/b');
  });

  it('refuses unsafe names', () => {
    for (const bad of ['', '.', '..', 'a/b', 'a\\b', 'nul\0']) expect(() => checkName(bad, 'test')).toThrow(BadInput);
    expect(checkName('..hidden', 'test')).toBe('..hidden');
  });
});

describe('include/exclude filters', () => {
  it('matches names at any depth without a slash and whole paths with one', () => {
    const f = new PathFilter({ exclude: ['*.tmp', 'cache/**'], include: ['*.mkv', 'docs/*.txt', '*.tmp'] });
    expect(f.includesFile('a/b/film.mkv')).toBe(true);
    expect(f.includesFile('docs/readme.txt')).toBe(true);
    expect(f.includesFile('other/readme.txt')).toBe(false);
    expect(f.includesFile('x/y.tmp')).toBe(false);
    expect(f.includesDir('cache')).toBe(false);
    expect(f.includesDir('docs')).toBe(true);
  });
});
