import { z } from 'zod';
import { codeLike, stateLike } from './fields.js';

/** The fields every 115 JSON reply may carry to say whether it worked (web notes §7.1). */
export const envelope115 = z.looseObject({
  state: stateLike.optional(),
  errno: codeLike.optional(),
  errNo: codeLike.optional(),
  errcode: codeLike.optional(),
  errCode: codeLike.optional(),
  code: codeLike.optional(),
  msg_code: codeLike.optional(),
  error: z.string().optional(),
  msg: z.string().optional(),
  message: z.string().optional(),
  error_msg: z.string().optional(),
});

export type Envelope115 = z.infer<typeof envelope115>;

export interface Failure115 {
  code: number | undefined;
  text: string;
}

/** p115client's rule: success when `state` is missing or truthy; else the first code present, and the text. */
export function failureOf(env: Envelope115): Failure115 | undefined {
  if (env.state === undefined || env.state) return undefined;
  const code = [env.errno, env.errNo, env.errcode, env.errCode, env.code, env.msg_code].find((c) => c !== undefined && c !== 0);
  const text = env.error || env.message || env.msg || env.error_msg || '';
  return { code, text };
}

/** Codes that mean the cookie no longer names a live session. */
export const SESSION_CODES: ReadonlySet<number> = new Set([99, 990001, 40101032, 40101035, 40101037]);
/** Risk-control codes: the account must slow down. */
export const RISK_CODES: ReadonlySet<number> = new Set([911, 590075]);
/** Not-found codes of file operations and lookups. */
export const NOT_FOUND_CODES: ReadonlySet<number> = new Set([
  20009, 20013, 20018, 31003, 50003, 50015, 70005, 70008, 90008, 430004, 231011, 800001,
]);

export const ERR = {
  notLoggedIn: 99,
  sessionExpired: 990001,
  verifyAccount: 911,
  tooFrequent: 590075,
  badParams: 990002,
  nameEmpty: 20001,
  nameTooLong: 20002,
  nameForbidden: 20003,
  nameExists: 20004,
  parentMissing: 20009,
  notFound: 20018,
  pickCodeMissing: 50003,
  copyIntoSelf: 91002,
  cyclicMove: 800006,
  offlineBadLink: 10004,
  offlineExists: 10008,
  offlineQuota: 10010,
  offlineFolderMissing: 10014,
  qrExpired: 40199002,
} as const;

/** The risk-control page Aliyun's WAF serves with HTTP 405 (the body is HTML, not JSON). */
export function isWafPage(status: number, body: string): boolean {
  return status === 405 && /<title>\s*405\s*<\/title>/i.test(body);
}
