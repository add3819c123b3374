import { describe, expect, it } from 'vitest';
import {
  cookieHeaderOf,
  formatShareLink,
  isShareFolder,
  isWebAddress,
  parseShareLink,
  rateLimitMargin,
  shareDownloadUrl,
  shareDownurl115,
  shareItemId,
  shareItemTime,
  shareSnap115,
} from '../src/index.js';

describe('parseShareLink (share notes §1)', () => {
  // Share codes from the notes (sw6pw793wfp, swh9gln3ffc, sw60op83nux) in every listed shape.
  const cases: [string, string, string][] = [
    ['https://115.com/s/sw6pw793wfp?password=abcd', 'sw6pw793wfp', 'abcd'],
    ['https://115.com/s/sw6pw793wfp?password=abcd#', 'sw6pw793wfp', 'abcd'],
    ['https://115cdn.com/s/swh9gln3ffc?password=x1y2#', 'swh9gln3ffc', 'x1y2'],
    ['https://115cdn.com/s/swh9gln3ffc?password=x1y2&', 'swh9gln3ffc', 'x1y2'],
    ['https://anxia.com/s/sw60op83nux?password=q9q9', 'sw60op83nux', 'q9q9'],
    ['https://share.115.com/sw60op83nux?password=q9q9', 'sw60op83nux', 'q9q9'],
    ['http://115.com/s/sw6pw793wfp', 'sw6pw793wfp', ''],
    ['115.com/s/sw6pw793wfp?password=abcd', 'sw6pw793wfp', 'abcd'],
    ['sw6pw793wfp', 'sw6pw793wfp', ''],
    ['sw6pw793wfp-abcd', 'sw6pw793wfp', 'abcd'],
    ['/sw6pw793wfp-abcd/', 'sw6pw793wfp', 'abcd'],
    ['#sw6pw793wfp-abcd#', 'sw6pw793wfp', 'abcd'],
    ['sw6pw793wfp?abcd', 'sw6pw793wfp', 'abcd'],
    ['  SW6PW793WFP-ABCD  ', 'sw6pw793wfp', 'abcd'],
    ['https://115cdn.com/s/swh9gln3ffc 访问码：k3k3', 'swh9gln3ffc', 'k3k3'],
    ['链接：https://115.com/s/swh9gln3ffc 提取码: k3k3 复制这段内容后打开115', 'swh9gln3ffc', 'k3k3'],
    ['https://115.com/s/swh9gln3ffc#\n密码 k3k3', 'swh9gln3ffc', 'k3k3'],
    ['https://115.com/s/swh9gln3ffc. 密码 k3k3', 'swh9gln3ffc', 'k3k3'],
    ['sw6pw793wfp 访问码：abcd', 'sw6pw793wfp', 'abcd'],
    // The password in the URL wins over words after it.
    ['https://115.com/s/sw6pw793wfp?password=abcd 提取码: zzzz', 'sw6pw793wfp', 'abcd'],
  ];
  it.each(cases)('%s', (text, share_code, receive_code) => {
    expect(parseShareLink(text)).toEqual({ share_code, receive_code });
  });

  it('answers undefined for text that is not a share link', () => {
    for (const text of ['', '   ', 'https://example.com/s/sw6pw793wfp', 'https://115.com/', 'https://115.com/about', 'my folder/x', 'sw6pw793wfp-ab!d', 'xa115.com/s/abc']) {
      expect(parseShareLink(text), text).toBeUndefined();
    }
  });

  it('formats the canonical link back, which parses to the same codes', () => {
    const share = { share_code: 'sw6pw793wfp', receive_code: 'abcd' };
    expect(formatShareLink(share)).toBe('https://115cdn.com/s/sw6pw793wfp?password=abcd');
    expect(parseShareLink(formatShareLink(share))).toEqual(share);
    expect(parseShareLink(formatShareLink({ share_code: 'sw6pw793wfp', receive_code: '' }))).toEqual({ share_code: 'sw6pw793wfp', receive_code: '' });
  });
});

describe('isWebAddress (a link where a command takes paths)', () => {
  it('is true for text that starts as a web address, false for short forms and local names', () => {
    for (const text of ['https://115.com/s/sw6pw793wfp?password=abcd', 'HTTP://example.com/x', '115cdn.com/s/swh9gln3ffc', 'share.115.com/sw60op83nux', ' https://anxia.com/s/x 访问码：abcd']) {
      expect(isWebAddress(text), text).toBe(true);
    }
    for (const text of ['sw6pw793wfp-abcd', 'sw6pw793wfp', './115.com/s/x', 'my115:/Films', 'notes/115.com', 'a115.comb/x', '115.com']) {
      expect(isWebAddress(text), text).toBe(false);
    }
  });
});

describe('share reply schemas', () => {
  it('decodes share_state, count, s and receive_count sent as strings or numbers', () => {
    const asStrings = shareSnap115.parse({
      state: true,
      data: {
        shareinfo: { share_title: 't', share_state: '7', receive_count: '3', file_size: '12', expire_time: '-1', forbid_reason: '' },
        share_state: '7',
        count: '2',
        list: [
          { fid: '2920294968491934721', cid: '0', n: 'a.txt', s: '5', sha: 'AAF4C61DDCC5E8A2DABEDE0F3B482CD9AEA9434D', fc: '1', t: '1700000000' },
          { cid: '2920294968491934722', pid: '0', n: 'dir', fc: 0, s: '', t: 1700000001 },
        ],
      },
    });
    expect(asStrings.data).toMatchObject({ share_state: 7, count: 2, shareinfo: { share_state: 7, receive_count: 3, file_size: 12, expire_time: -1 } });
    const [file, folder] = asStrings.data.list;
    expect(file).toMatchObject({ s: 5, fc: 1 });
    expect(isShareFolder(file!)).toBe(false);
    expect(shareItemId(file!)).toBe('2920294968491934721');
    expect(isShareFolder(folder!)).toBe(true);
    expect(shareItemId(folder!)).toBe('2920294968491934722');
    expect(folder!.s).toBeUndefined();
    expect(shareItemTime(file!)).toBe(1700000000);
    expect(shareItemTime(folder!)).toBe(1700000001);
  });

  it('tells folders from files without fc by fid, and reads Beijing "YYYY-MM-DD HH:MM" times', () => {
    const item = shareSnap115.parse({ state: true, data: { count: 1, list: [{ cid: '5', n: 'x', t: '2024-01-02 08:30' }] } }).data.list[0]!;
    expect(isShareFolder(item)).toBe(true);
    expect(shareItemTime(item)).toBe(Date.UTC(2024, 0, 2, 0, 30) / 1000);
  });

  it('reads url false or 0 as "no URL" (a folder) and an object as the CDN URL', () => {
    expect(shareDownloadUrl(shareDownurl115.parse({ state: true, data: { fid: '1', fn: 'd', fs: '0', url: false } }))).toBeUndefined();
    expect(shareDownloadUrl(shareDownurl115.parse({ state: true, data: { fid: '1', fn: 'd', fs: 0, url: 0 } }))).toBeUndefined();
    expect(shareDownloadUrl(shareDownurl115.parse({ state: true, data: [] }))).toBeUndefined();
    expect(shareDownloadUrl(shareDownurl115.parse({ state: true, data: { fid: '1', fn: 'f', fs: '9', url: { url: 'https://cdn/x?t=1', client: 1 } } }))).toBe('https://cdn/x?t=1');
  });

  it('reads a bare {"margin": N} as a wait of N seconds, and nothing else as one', () => {
    expect(rateLimitMargin({ margin: 3 })).toBe(3);
    expect(rateLimitMargin({ margin: '5' })).toBe(5);
    expect(rateLimitMargin({ state: true, margin: 3 })).toBeUndefined();
    expect(rateLimitMargin({ state: false, errno: 590075 })).toBeUndefined();
    expect(rateLimitMargin(null)).toBeUndefined();
  });
});

describe('cookieHeaderOf: the downurl reply\'s cookie sent back with an f=3 URL (web notes §3.4)', () => {
  it('keeps name=value pairs in order and drops attributes', () => {
    const a = '0123456789abcdef0123456789abcdef=fedcba9876543210fedcba9876543210';
    expect(cookieHeaderOf(`${a}; path=/; domain=.115.com; HttpOnly`)).toBe(a);
    expect(cookieHeaderOf([`${a}; path=/`, 'k=v; Max-Age=60'])).toBe(`${a}; k=v`);
  });

  it('is undefined when the reply set nothing usable', () => {
    expect(cookieHeaderOf(undefined)).toBeUndefined();
    expect(cookieHeaderOf([])).toBeUndefined();
    expect(cookieHeaderOf(['; path=/', '=x'])).toBeUndefined();
  });
});
