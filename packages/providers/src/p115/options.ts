import { z } from 'zod';
import { byteSize, renamedFromMib } from '@ferry/core';
import { M115_RSA_E_HEX, M115_RSA_N_HEX } from '@ferry/protocols';
import { parseConnectTo } from '../http/connect-to.js';

/** OpenList's fallback app version (web notes §0); 115Browser UA as OpenList sends it. */
const APP_VERSION = '35.6.0.3';
const MIB = 1024 * 1024;
/** 115's k_ec server key, X‖Y (web notes §4.4). */
const P115_ECDH_PUB_HEX =
  '57a29257cd2320e5d6d143322fa4bb8a3cf9d3cc623ef5edac62b767' + '8a89c91a83ba800d6129f522d034c895dd2465243addc250953beeba';

export const p115Options = z.object({
  cookie: z
    .string()
    .default('')
    .describe('Login cookie "UID=…; CID=…; SEID=…; KID=…"; `ferry login p115 REMOTE` sets it by QR code'),
  root_id: z.string().regex(/^\d+$/, 'a numeric folder id').default('0').describe('Id of the 115 folder shown as "/" (0 = the whole drive)'),
  page_size: z.number().int().min(1).max(1150).default(1000).describe('Entries per listing page (115 allows at most 1150)'),
  qps: z.number().positive().max(100).default(2).describe('API calls per second for this account, shared by every transfer (OpenList uses 2)'),
  app_version: z.string().min(1).default(APP_VERSION).describe('115 app version sent to the API'),
  user_agent: z.string().min(1).default(`Mozilla/5.0 115Browser/${APP_VERSION}`).describe('User-Agent for API calls and downloads (download URLs are bound to it)'),
  webapi_url: z.string().url().default('https://webapi.115.com').describe('Base URL of webapi.115.com (listing, file operations)'),
  proapi_url: z.string().url().default('https://proapi.115.com').describe('Base URL of proapi.115.com (download URLs)'),
  passportapi_url: z.string().url().default('https://passportapi.115.com').describe('Base URL of passportapi.115.com (QR login)'),
  qrcodeapi_url: z.string().url().default('https://qrcodeapi.115.com').describe('Base URL of qrcodeapi.115.com (QR login)'),
  lixian_url: z.string().url().default('https://lixian.115.com').describe('Base URL of lixian.115.com (offline download)'),
  rsa_n: z.string().regex(/^[0-9a-fA-F]+$/).default(M115_RSA_N_HEX).describe("RSA modulus (hex) of the m115 envelope; 115's own by default"),
  rsa_e: z.string().regex(/^[0-9a-fA-F]+$/).default(M115_RSA_E_HEX).describe('RSA public exponent (hex) of the m115 envelope'),
  download_segment_size: byteSize()
    .min(MIB)
    .max(4096 * MIB)
    .default(64 * MIB)
    .describe('Bytes fetched per download request (16M, 64M, ...); URLs are renewed between requests'),
  uplb_url: z.string().url().default('https://uplb.115.com').describe('Base URL of uplb.115.com (upload init, STS tokens, OSS endpoint)'),
  ecdh_pub: z
    .string()
    .regex(/^(04)?[0-9a-fA-F]{112}$/, 'a P-224 public key, hex X‖Y')
    .default(P115_ECDH_PUB_HEX)
    .describe("P-224 public key (hex X‖Y) of the k_ec upload-init envelope; 115's own by default"),
  oss_scheme: z
    .enum(['https', 'http'])
    .default('https')
    .describe(
      "Scheme of OSS upload URLs, SCHEME://BUCKET.ENDPOINT/OBJECT with getuploadinfo's endpoint host (whose own scheme is ignored); OSS refuses path-style requests to 115's buckets",
    ),
  connect_to: z
    .string()
    .refine((text) => parseConnectTo(text) !== undefined, 'comma-separated HOST[:PORT]=ADDRESS:PORT, HOST a name or *.domain')
    .default('')
    .describe(
      'Connect-to map, as curl `--connect-to`: `HOST[:PORT]=ADDRESS:PORT,…` (HOST may be `*.domain`); URLs and Host headers stay real, only the TCP connection goes to ADDRESS:PORT. The emulator\'s remote line uses `oss_scheme=http connect_to=*.aliyuncs.com=127.0.0.1:PORT`',
    ),
  part_size: byteSize()
    .min(MIB)
    .max(5 * 1024 * MIB)
    .default(16 * MIB)
    .describe('OSS multipart part size in bytes (16M, 64M, ...); grown so 10,000 parts cover the file'),
  backoff_ms: z.number().int().min(1).default(5000).describe('First pause after 115 risk control (HTTP 405, errno 911/590075); doubles up to 10 min'),
});

export type P115Options = z.infer<typeof p115Options>;

/** Options of earlier versions, still read from configs. */
export const p115FormerOptions = {
  download_segment_mib: renamedFromMib('download_segment_size'),
  upload_part_mib: renamedFromMib('part_size'),
};
