import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type S3Emulator, s3EmulatorOptions, startS3Emulator } from '@ferry/emulators';
import { S3Provider, type S3Options, s3Options } from '../src/index.js';

export { bytes } from '@ferry/core/testing';

/** The remote options that reach an emulator's bucket, under `prefix`. */
export function s3OptionsFor(emu: S3Emulator, extra: Partial<S3Options> = {}): S3Options {
  return s3Options.parse({ ...s3EmulatorOptions(emu), ...extra });
}

export function s3Provider(emu: S3Emulator, extra: Partial<S3Options> = {}, remote = 's3'): S3Provider {
  return new S3Provider(remote, s3OptionsFor(emu, extra));
}

/** A plain SDK client, for putting objects by the back door and reading what landed. */
export function rawClient(emu: S3Emulator): S3Client {
  return new S3Client({
    endpoint: emu.endpoint,
    region: emu.region,
    forcePathStyle: true,
    credentials: { accessKeyId: emu.access_key_id, secretAccessKey: emu.secret_access_key },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function putRaw(client: S3Client, emu: S3Emulator, key: string, data: Buffer, metadata?: Record<string, string>): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: emu.bucket, Key: key, Body: data, ContentLength: data.length, ...(metadata ? { Metadata: metadata } : {}) }));
}

export { startS3Emulator, type S3Emulator };
