import { describe, expect, it } from 'vitest';
import { describeOptions, listProviderFactories, parseRemote } from '@ferry/core';
import { registerAllProviders } from '../src/index.js';

const MiB = 1024 * 1024;

describe("providers' options", () => {
  it('every size is a byteSize in bytes named *_size (or *_cutoff, as rclone names it); no option names another unit', () => {
    registerAllProviders();
    const sizes = listProviderFactories().flatMap((f) => describeOptions(f).map((o) => ({ ...o, at: `${f.type}.${o.name}` })));
    for (const o of sizes) {
      expect(o.name, o.at).not.toMatch(/_(mib|kib|mb|kb|gb|bytes)$/);
      if (o.type === 'size') expect(o.name, o.at).toMatch(/_(size|cutoff)$/);
      if (/part|segment|chunk|download_max|cutoff/.test(o.name)) expect(o.type, o.at).toBe('size');
    }
    expect(sizes.filter((o) => o.type === 'size').map((o) => o.at).sort()).toEqual([
      'aliyun-open.part_size',
      'p115-share.web_download_max_size',
      'p115.download_segment_size',
      'p115.part_size',
      's3.copy_cutoff',
      's3.part_size',
    ]);
  });

  it('a config of an earlier version keeps loading: MiB options read as bytes under their new names, on_conflict ignored', () => {
    registerAllProviders();
    const p115 = parseRemote('old115', { type: 'p115', upload_part_mib: 4, download_segment_mib: 2 }).options;
    expect(p115).toMatchObject({ part_size: 4 * MiB, download_segment_size: 2 * MiB });
    expect(p115).not.toHaveProperty('upload_part_mib');
    const share = parseRemote('oldshare', { type: 'p115-share', share_code: 'abc', web_download_max_mib: 50 }).options;
    expect(share).toMatchObject({ web_download_max_size: 50 * MiB });
    const ali = parseRemote('oldali', { type: 'aliyun-open', refresh_token: 'r', on_conflict: 'skip' }).options;
    expect(ali).not.toHaveProperty('on_conflict');
    expect(ali).toMatchObject({ refresh_token: 'r' });
  });
});
