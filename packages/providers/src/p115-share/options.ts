import { z } from 'zod';
import { byteSize, renamedFromMib } from '@ferry/core';
import { p115Options } from '../p115/options.js';

const p115Defaults = p115Options.parse({});

/**
 * Files above this size skip 115's web share-download endpoint for the encrypted app one:
 * the web endpoint serves at most 200 MB (share notes §5.1, p115client's note, and
 * quirk 9.7; it answers 50028), which most shared videos exceed. Whether 115 means 10^6 or 2^20
 * bytes is not known: a file in between that still meets 50028 switches over then.
 */
const WEB_DOWNLOAD_MAX_SIZE = 200 * 1024 * 1024;

/**
 * Options of a 115 share remote. Security decision: `receive_code` is NOT a secret. It travels in
 * the share link itself (`?password=…`), it grants nothing beyond that one share, and a share
 * remote is usually written inline (`:p115-share,share_code=…,receive_code=…:/`) so that job data can
 * carry it as text; it is shown, logged and stored in job data like the share code. The account's
 * cookie stays in the p115 remote that `account` names and never enters this remote's options.
 */
export const p115ShareOptions = z.object({
  share_code: z
    .string()
    .regex(/^[A-Za-z0-9]+$/, 'letters and digits, as in https://115cdn.com/s/<share_code>')
    .describe('Share code, the last part of the link https://115cdn.com/s/<share_code> (lower-cased before use)'),
  receive_code: z
    .string()
    .regex(/^[A-Za-z0-9]*$/, 'letters and digits (the 4-character 访问码), or empty')
    .default('')
    .describe('Access code (访问码/提取码, the link\'s ?password=); empty for a share without one. Not a secret: it is part of the link'),
  account: z
    .string()
    .regex(/^[A-Za-z0-9_.-]*$/, 'the name of a configured remote')
    .default('')
    .describe('Name of a configured p115 remote whose login (cookie, User-Agent, endpoints, rate limit) is used; needed to read file bytes. Empty: list anonymously'),
  root_id: z
    .string()
    .regex(/^\d+$/, "a folder id of the share (digits), as in 115's share listing (cid)")
    .default('0')
    .describe('Id (cid) of the share folder shown as "/" (0 = the top level of the share), as AList\'s 115 Share driver takes it'),
  webapi_url: z.string().url().default(p115Defaults.webapi_url).describe('Base URL of webapi.115.com for anonymous listing (with `account`, the account\'s is used)'),
  user_agent: z.string().min(1).default(p115Defaults.user_agent).describe('User-Agent for anonymous listing (with `account`, the account\'s is used)'),
  qps: z.number().positive().max(100).default(1).describe('API calls per second when listing anonymously, shared by every anonymous share on this host (115 throttles per IP)'),
  page_size: z.number().int().min(1).max(1150).default(1000).describe('Entries per snap page when listing anonymously (with `account`, the account\'s is used)'),
  web_download_max_size: byteSize()
    .min(0)
    .default(WEB_DOWNLOAD_MAX_SIZE)
    .describe("Largest file in bytes (200M) whose download URL comes from 115's web share endpoint (it refuses bigger ones, 50028); bigger files use the encrypted app endpoint"),
});

export type P115ShareOptions = z.infer<typeof p115ShareOptions>;

/** Options of earlier versions, still read from configs and inline remotes. */
export const p115ShareFormerOptions = { web_download_max_mib: renamedFromMib('web_download_max_size') };
