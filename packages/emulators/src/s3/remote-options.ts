import type { EmulatorRemote } from '../remote-entry.js';

/** The S3 emulator as started in-process or as its `ferry emulate s3 --json` line prints it. */
export interface S3EmulatorEndpoints {
  endpoint: string;
  region: string;
  bucket: string;
  access_key_id: string;
  secret_access_key: string;
}

/**
 * The s3 remote options that reach this emulator's bucket: the one place that knows which option
 * names which of its fields. s3rver speaks path-style requests only, hence force_path_style.
 */
export function s3EmulatorOptions(e: S3EmulatorEndpoints): Record<string, string | boolean> {
  return {
    endpoint: e.endpoint,
    region: e.region,
    bucket: e.bucket,
    access_key_id: e.access_key_id,
    secret_access_key: e.secret_access_key,
    force_path_style: true,
  };
}

/** An s3 remote that reaches this emulator's bucket. */
export function s3EmulatorRemote(e: S3EmulatorEndpoints): EmulatorRemote {
  return { type: 's3', ...s3EmulatorOptions(e) };
}
