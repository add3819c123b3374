import { Readable } from 'node:stream';
import { HeadObjectCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, BadInput, NotFound } from '@ferry/core';
import { S3Provider, s3Options } from '../src/index.js';
import { type S3Emulator, bytes, s3Provider, startS3Emulator } from './s3-helpers.js';

let emu: S3Emulator;
beforeAll(async () => {
  emu = await startS3Emulator();
});
afterAll(() => emu.close());

/** Where the SDK sends a command, caught before it leaves. */
async function sdkAddress(settings: { region: string; endpoint?: string; forcePathStyle: boolean }, command: object): Promise<{ host: string; path: string; query: string }> {
  let caught: { hostname: string; port?: number; path: string; query: Record<string, string> } | undefined;
  const client = new S3Client({
    ...settings,
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'SECRET' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: typeof caught) => {
        caught = request;
        throw new Error('caught');
      },
    },
  });
  await client.send(command as PutObjectCommand).catch(() => {});
  client.destroy();
  const { 'x-id': _, ...query } = caught!.query;
  const sorted = Object.keys(query)
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(query[k]!)}`)
    .join('&');
  return { host: caught!.port ? `${caught!.hostname}:${caught!.port}` : caught!.hostname, path: caught!.path, query: sorted };
}

async function upload(provider: S3Provider, path: string, data: Buffer): Promise<void> {
  const session = await provider.beginUpload(path, { size: data.length });
  await session.writePart({ index: 0, offset: 0, length: data.length, data: Readable.from([data]) });
  await session.complete({});
}

describe('s3 direct requests', () => {
  const remotes = [
    { region: 'us-east-1', bucket: 'plain-bucket' },
    { region: 'eu-west-1', bucket: 'plain-bucket' },
    { region: 'eu-west-1', bucket: 'dotted.bucket.name' },
    { region: 'auto', bucket: 'r2-bucket', endpoint: 'https://account.r2.cloudflarestorage.com' },
    { region: 'us-east-1', bucket: 'minio', endpoint: 'http://minio.example:9000', force_path_style: true },
    { region: 'us-east-1', bucket: 'minio', endpoint: 'http://minio.example:9000/base/', force_path_style: true },
    { region: 'us-east-1', bucket: 'hosted', endpoint: 'http://storage.example:9000' },
    { region: 'us-east-1', bucket: 'local', endpoint: 'http://127.0.0.1:9000' },
  ];
  const keys = ['file.bin', 'a folder/with spaces/and+plus=equals.txt', "données/日本語 😀/odd!'()*~.bin"];

  for (const remote of remotes) {
    it(`addresses what the SDK addresses: ${remote.endpoint ?? 'AWS'} ${remote.region} ${remote.bucket}${remote.force_path_style ? ' path-style' : ''}`, async () => {
      const provider = new S3Provider('s3', s3Options.parse({ ...remote, access_key_id: 'AKID', secret_access_key: 'SECRET' }));
      const settings = { region: remote.region, forcePathStyle: remote.force_path_style ?? false, ...(remote.endpoint ? { endpoint: remote.endpoint } : {}) };
      const { direct } = await provider.connection();
      for (const key of keys) {
        const Bucket = remote.bucket;
        expect(await direct.address(key)).toEqual(await sdkAddress(settings, new PutObjectCommand({ Bucket, Key: key, Body: 'x' })));
        expect(await direct.address(key)).toEqual(await sdkAddress(settings, new HeadObjectCommand({ Bucket, Key: key })));
        const query = { partNumber: '7', uploadId: 'id+/= x' };
        expect(await direct.address(key, query)).toEqual(
          await sdkAddress(settings, new UploadPartCommand({ Bucket, Key: key, PartNumber: 7, UploadId: 'id+/= x', Body: 'x' })),
        );
      }
      await provider.close();
    });
  }

  it('fails as the SDK did: unknown bucket, unknown key id, refused connection, missing object', async () => {
    const data = bytes(1000);
    await expect(upload(s3Provider(emu, { bucket: 'no-such-bucket' }), '/f.bin', data)).rejects.toSatisfy(
      (err: Error) => err instanceof BadInput && /bucket 'no-such-bucket' does not exist/.test(err.message),
    );
    await expect(upload(s3Provider(emu, { access_key_id: 'WRONG' }), '/f.bin', data)).rejects.toBeInstanceOf(AuthError);
    const refused = s3Provider({ ...emu, endpoint: 'http://127.0.0.1:1' });
    await expect(upload(refused, '/f.bin', data)).rejects.toSatisfy((err: Error) => /cannot reach S3 endpoint http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/.test(err.message));
    const provider = s3Provider(emu, { prefix: 'direct-errors' });
    await upload(provider, '/here.bin', data);
    await expect(s3Provider(emu, { prefix: 'direct-errors', access_key_id: 'WRONG' }).stat('/here.bin')).rejects.toBeInstanceOf(AuthError);
    await expect(provider.stat('/gone.bin')).rejects.toBeInstanceOf(NotFound);
    expect((await provider.stat('/here.bin')).size).toBe(1000);
  });
});
