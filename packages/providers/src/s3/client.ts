import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Sdk } from './sdk.js';
import type { S3Options } from './options.js';

/**
 * The SDK client for a remote. Checksums are computed only where S3 requires them: the SDK's
 * default (a CRC32 trailer on every upload, aws-chunked) is refused by many S3-compatible
 * servers, and Ferry sends the SHA-1 itself where it knows it. Credentials left empty come from
 * the SDK's usual chain (environment, shared config files, instance roles).
 */
export function createS3Client(sdk: S3Sdk, options: S3Options, sockets: number): S3Client {
  // Ferry runs on Node 20; the SDK's notice that future releases will need 22 would otherwise be
  // a stray stderr line in every command, next to the one line an error may print.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const agent = { keepAlive: true, maxSockets: sockets };
  return new sdk.S3Client({
    region: options.region || 'us-east-1',
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.force_path_style,
    ...(options.access_key_id
      ? {
          credentials: {
            accessKeyId: options.access_key_id,
            secretAccessKey: options.secret_access_key,
            ...(options.session_token ? { sessionToken: options.session_token } : {}),
          },
        }
      : {}),
    // Retries are the pacer's (pacing.ts), decided on the typed error like every provider's.
    maxAttempts: 1,
    // Each command class's middleware stack is resolved once, not on every request: a tree of
    // small files spends more on resolving it than on the request itself. Nothing here changes
    // the stack after the first request.
    cacheMiddleware: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { httpAgent: new HttpAgent(agent), httpsAgent: new HttpsAgent(agent), connectionTimeout: 15_000 },
  });
}
