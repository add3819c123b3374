import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { OSS_ENDPOINT_HOST } from './upload-state.js';

/** Aliyun OSS's XML bodies: errors and the multipart results. Shapes follow OSS's documented API. */

export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function xmlUnescape(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function sendXml(res: ServerResponse, status: number, root: string, fields: Record<string, string | number>, extra = '', headers: Record<string, string> = {}): void {
  const inner = Object.entries(fields)
    .map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`)
    .join('');
  const body = `${HEAD}<${root}>${inner}${extra}</${root}>`;
  const requestId = randomBytes(12).toString('hex').toUpperCase();
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), 'x-oss-request-id': requestId, ...headers });
  res.end(body);
}

/** An OSS error: `<Error><Code>…</Code><Message>…</Message>…</Error>`. */
export function sendOssError(res: ServerResponse, status: number, code: string, message: string, extra: Record<string, string> = {}): void {
  sendXml(res, status, 'Error', { Code: code, Message: message, ...extra, HostId: OSS_ENDPOINT_HOST });
}

/** The `<Part>` list of a CompleteMultipartUpload body; ETags unquoted; undefined when malformed. */
export function parseCompleteParts(xml: string): Array<{ partNumber: number; etag: string }> | undefined {
  if (!/<CompleteMultipartUpload[\s>]/.test(xml)) return undefined;
  const parts: Array<{ partNumber: number; etag: string }> = [];
  for (const m of xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
    const num = /<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(m[1]!);
    const etag = /<ETag>([\s\S]*?)<\/ETag>/.exec(m[1]!);
    if (!num || !etag) return undefined;
    parts.push({ partNumber: Number(num[1]), etag: xmlUnescape(etag[1]!.trim()).replace(/^"|"$/g, '') });
  }
  return parts.length ? parts : undefined;
}
