import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ALIYUN_MAX_PART_SIZE } from '@ferry/protocols';
import type { FaultKind } from './faults.js';
import { readBody } from './http-io.js';
import { ossErrorXml } from './signing.js';
import type { EmulatorState } from './state.js';
import { drainedOrClosed } from '../response-drain.js';

function sendXml(res: ServerResponse, status: number, code: string, message: string): void {
  const body = ossErrorXml(code, message);
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function expired(state: EmulatorState, res: ServerResponse): void {
  state.stats.expiredUrls++;
  sendXml(res, 403, 'AccessDenied', 'Request has expired.');
}

/** A data-plane fault; true when it answered (or dropped) the request. */
function applyFault(state: EmulatorState, fault: FaultKind | undefined, req: IncomingMessage, res: ServerResponse): boolean {
  if (!fault) return false;
  switch (fault.kind) {
    case 'expire':
      expired(state, res);
      return true;
    case 'drop':
      req.socket.destroy();
      return true;
    case 'throttle':
      sendXml(res, 503, 'SlowDown', 'Please reduce your request rate.');
      return true;
    case 'status':
      sendXml(res, fault.status ?? 503, fault.code ?? 'ServiceUnavailable', 'Injected fault.');
      return true;
  }
}

/**
 * PUT of one part to its presigned URL (§9.1). The URL is checked before the body is read, as OSS
 * does: expired or badly signed URLs get 403. A Content-Type header breaks the signature on the
 * real service (the URL is signed without one), so it is refused the same way.
 */
export async function putPart(state: EmulatorState, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (applyFault(state, state.faults.take('put'), req, res)) return;
  const verdict = state.signer.verify('PUT', url, ['partNumber', 'uploadId']);
  if (verdict === 'bad-signature') return sendXml(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  if (verdict === 'expired') return expired(state, res);
  if (req.headers['content-type']) {
    return sendXml(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided (Content-Type was not signed).');
  }
  const session = state.uploads.find(url.searchParams.get('uploadId') ?? '');
  const partNumber = Number(url.searchParams.get('partNumber'));
  if (!session || session.done) return sendXml(res, 404, 'NoSuchUpload', 'The specified upload does not exist.');
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > session.parts) {
    return sendXml(res, 400, 'InvalidArgument', 'Part number must be one of the declared parts.');
  }
  const declared = Number(req.headers['content-length']);
  if (req.headers['content-length'] === undefined || !Number.isInteger(declared)) {
    return sendXml(res, 411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  if (declared > ALIYUN_MAX_PART_SIZE) return sendXml(res, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.');
  req.on('data', (chunk: Buffer) => {
    state.stats.putBytes += chunk.length;
  });
  const data = await readBody(req, ALIYUN_MAX_PART_SIZE);
  if (data.length !== declared) return sendXml(res, 400, 'IncompleteBody', 'The body does not hold Content-Length bytes.');
  // A part already stored answers 409, which every client treats as success (§9.1).
  if (session.received.has(partNumber)) return sendXml(res, 409, 'PartAlreadyExist', 'The part has already been uploaded.');
  session.received.set(partNumber, data);
  res.writeHead(200, { etag: `"${createHash('md5').update(data).digest('hex').toUpperCase()}"`, 'content-length': 0 });
  res.end();
}

function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'bad' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'bad';
  if (m[1] === '') {
    const n = Number(m[2]);
    return n === 0 ? 'bad' : { start: Math.max(0, size - n), end: size };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size : Math.min(size, Number(m[2]) + 1);
  return start >= size || end <= start ? 'bad' : { start, end };
}

/** GET of a download URL (§6): signed and expiring, with single-range support. */
export async function download(state: EmulatorState, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const fault = state.faults.take('download');
  if (fault?.kind !== 'drop' && applyFault(state, fault, req, res)) return;
  const verdict = state.signer.verify('GET', url, []);
  if (verdict === 'bad-signature') return sendXml(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  if (verdict === 'expired') return expired(state, res);
  const [, , , driveId = '', fileId = ''] = url.pathname.split('/');
  const node = state.store.lookup(driveId, fileId);
  if (!node || node.status !== 'available' || !node.content) return sendXml(res, 404, 'NoSuchKey', 'The specified key does not exist.');
  const content = node.content;
  const range = parseRange(req.headers.range, content.size);
  if (range === 'bad') {
    res.writeHead(416, { 'content-range': `bytes */${content.size}` });
    res.end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: content.size };
  res.writeHead(range ? 206 : 200, {
    'content-type': 'application/octet-stream',
    'content-length': end - start,
    'accept-ranges': 'bytes',
    ...(range ? { 'content-range': `bytes ${start}-${end - 1}/${content.size}` } : {}),
  });
  // A dropped download sends half the body, then cuts the connection.
  const stopAt = fault?.kind === 'drop' ? start + Math.floor((end - start) / 2) : end;
  for (const chunk of content.range(start, stopAt)) {
    for (let i = 0; i < chunk.length; i += 1024 * 1024) {
      const piece = chunk.subarray(i, i + 1024 * 1024);
      state.stats.downloadBytes += piece.length;
      if (!res.write(piece)) await drainedOrClosed(res);
      if (res.destroyed) return;
    }
  }
  if (stopAt < end) {
    req.socket.destroy();
    return;
  }
  res.end();
}
