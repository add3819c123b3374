/**
 * 115 share links (share notes section 1): a share code, plus the access code
 * (访问码/提取码, `receive_code`) when the share has one. Users paste links in many shapes, from a
 * bare URL to a chat message with the code written after it; all of them come down to these two.
 */
export interface ShareLink115 {
  /** Lower-case letters and digits (p115client lower-cases it before use). */
  share_code: string;
  /** '' when the link carries no access code. */
  receive_code: string;
}

/** Hosts whose `/s/<code>` pages are share links; `share.115.com/<code>` has no `/s/`. */
const URL_RE = /(?:https?:\/\/)?(?<![a-z0-9.-])((?:[a-z0-9-]+\.)*(?:115cdn|115|anxia)\.com)(\/[A-Za-z0-9\-._~%!$&*+=:@/?#]*)?/i;
/** The access code written out after the link: "访问码：abcd", "提取码: abcd", "密码 abcd". */
const CODE_WORD_RE = /(?:访问码|提取码|密码)\s*[:：]?\s*([a-z0-9]{4})(?![a-z0-9])/i;
const CODE_RE = /^[a-z0-9]+$/i;

function link(shareCode: string, receiveCode: string): ShareLink115 | undefined {
  if (!CODE_RE.test(shareCode) || (receiveCode !== '' && !CODE_RE.test(receiveCode))) return undefined;
  // 115 issues both codes in lower case; a code retyped in capitals is the same code.
  return { share_code: shareCode.toLowerCase(), receive_code: receiveCode.toLowerCase() };
}

/** `code`, `code-rcvd` or `code?rcvd` (p115client's short forms), also `code?password=rcvd`. */
function shortForm(text: string): ShareLink115 | undefined {
  const m = /^([a-z0-9]+)(?:[-?](?:password=)?([a-z0-9]+))?$/i.exec(text);
  return m ? link(m[1]!, m[2] ?? '') : undefined;
}

function fromUrl(host: string, rest: string, after: string): ShareLink115 | undefined {
  const hashAt = rest.indexOf('#');
  const beforeHash = hashAt < 0 ? rest : rest.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  const path = queryAt < 0 ? beforeHash : beforeHash.slice(0, queryAt);
  const query = new URLSearchParams(queryAt < 0 ? '' : beforeHash.slice(queryAt + 1));
  const segments = path.split('/').filter(Boolean);
  // share.115.com/<code>; every other host: /s/<code>.
  const isShareHost = host.toLowerCase() === 'share.115.com';
  const segment = isShareHost ? segments[0] : segments[0]?.toLowerCase() === 's' ? segments[1] : undefined;
  if (!segment) return undefined;
  const short = shortForm(segment);
  if (!short) return undefined;
  const receive = query.get('password') ?? query.get('pwd') ?? (short.receive_code || CODE_WORD_RE.exec(after)?.[1]) ?? '';
  return link(short.share_code, receive);
}

/**
 * Every form of share notes §1: `https://115.com/s/<code>?password=<rc>` (and 115cdn.com,
 * anxia.com, trailing `#`), `https://share.115.com/<code>?password=<rc>`, a bare `<code>`,
 * `<code>-<rc>` with or without surrounding `/` or `#`, and any of these followed by
 * "访问码：<rc>" / "提取码: <rc>" / "密码 <rc>". Undefined for text that is none of them.
 */
export function parseShareLink(text: string): ShareLink115 | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const url = URL_RE.exec(trimmed);
  // A sentence may end right after the link ("…/s/sw6pw793wfp."): that dot is not part of it.
  if (url) return fromUrl(url[1]!, (url[2] ?? '').replace(/[.!:]+$/, ''), trimmed.slice(url.index + url[0].length));

  // No link: a short form, possibly followed by the access code in words.
  const word = CODE_WORD_RE.exec(trimmed);
  const head = (word ? trimmed.slice(0, word.index) : trimmed).trim().replace(/^[/#\s]+|[/#\s]+$/g, '');
  const short = shortForm(head);
  if (!short) return undefined;
  return word && !short.receive_code ? link(short.share_code, word[1]!) : short;
}

/** The canonical web link of a share, as 115's own "copy link" writes it. */
export function formatShareLink(share: ShareLink115): string {
  const query = share.receive_code ? `?password=${share.receive_code}` : '';
  return `https://115cdn.com/s/${share.share_code}${query}`;
}

/**
 * Whether `text` is written as a web address (a scheme, or a share host and a `/`, first): where a
 * command takes paths, such text is a link, never a local name. The short forms (`code-rcvd`)
 * cannot be told apart from local names, so they are not links there.
 */
export function isWebAddress(text: string): boolean {
  return /^\s*(?:https?:\/\/|(?:[a-z0-9-]+\.)*(?:115cdn|115|anxia)\.com\/)/i.test(text);
}
