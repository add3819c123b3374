import type * as Sdk from '@aws-sdk/client-s3';

/** `@aws-sdk/client-s3`'s exports: its clients and command classes. */
export type S3Sdk = typeof Sdk;

let loading: Promise<S3Sdk> | undefined;

/**
 * The AWS SDK, loaded on a remote's first request rather than with the provider: loading it takes
 * about 0.15 s, which every Ferry command would otherwise pay, S3 remote or not.
 */
export function loadS3Sdk(): Promise<S3Sdk> {
  return (loading ??= import('@aws-sdk/client-s3'));
}
