import { z } from 'zod';
import { byteSize } from '@ferry/core';
import { ALIYUN_DEFAULT_PART_SIZE, ALIYUN_OPEN_BASE } from '@ferry/protocols';

export const aliyunOpenOptions = z
  .object({
    refresh_token: z
      .string()
      .min(1)
      .optional()
      .describe('Refresh token from the Aliyun Drive Open authorization (`ferry login aliyun-open REMOTE --client-secret S` sets it by QR code); it rotates at every refresh and Ferry saves the new one. This or access_token is required'),
    access_token: z
      .string()
      .min(1)
      .optional()
      .describe('Access token, used as it is until access_token_expires: what `ferry login aliyun-open REMOTE` without a secret (PKCE) saves, since Aliyun gives such a login no refresh token. This or refresh_token is required'),
    access_token_expires: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('When access_token expires, an ISO 8601 time such as 2026-12-31T08:00:00Z; Ferry stops using the token shortly before. Unset: used until the service refuses it'),
    client_id: z.string().default('').describe('Open Platform app id (leave empty to use token_url)'),
    client_secret: z.string().default('').describe('Open Platform app secret (leave empty to use token_url)'),
    token_url: z
      .string()
      .default('')
      .describe('Token-refresh service URL used instead of client_id/client_secret (same JSON body as /oauth/access_token)'),
    drive: z.enum(['default', 'resource']).default('default').describe('Which drive of the account: default (备份盘) or resource (资源库)'),
    root_id: z.string().default('root').describe('file_id of the folder this remote shows as "/"'),
    endpoint: z.string().default(ALIYUN_OPEN_BASE).describe('API base URL (an emulator or a compatible server)'),
    part_size: byteSize()
      .positive()
      .default(ALIYUN_DEFAULT_PART_SIZE)
      .describe('Upload part size in bytes (20M, 64M, ...); grown so 10,000 parts cover the file'),
  })
  .refine((o) => o.refresh_token !== undefined || o.access_token !== undefined, {
    message: 'an aliyun-open remote needs refresh_token or access_token: authorize it with `ferry login aliyun-open REMOTE --client-id ID`',
  });

export type AliyunOpenOptions = z.infer<typeof aliyunOpenOptions>;

/** Options of earlier versions, still accepted in configs. */
export const aliyunOpenFormerOptions = {
  on_conflict: { retired: 'the engine decides what a taken name gets: pass --on-conflict overwrite|skip|rename to copy, sync or move' },
};
