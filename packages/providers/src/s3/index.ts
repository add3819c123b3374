import { registerProvider } from '@ferry/core';
import { s3Options } from './options.js';
import { S3Provider } from './provider.js';

export function registerS3(): void {
  registerProvider({
    type: 's3',
    description: 'S3-compatible object storage (AWS S3, Cloudflare R2, Backblaze B2, Wasabi, MinIO, Aliyun OSS)',
    options: s3Options,
    secrets: ['secret_access_key', 'session_token'],
    create: (remote, options, context) => new S3Provider(remote, options, context),
  });
}

export { S3Provider, s3Options };
export type { S3Options } from './options.js';
