import { ALIYUN_MIN_PART_SIZE } from '@ferry/protocols';
import { ApiError, uploadIdNotFound } from './api-error.js';
import { Content } from './content.js';
import { newId } from './ids.js';
import type { StoredNode } from './store.js';

export interface UploadSession {
  upload_id: string;
  node: StoredNode;
  /** Parts declared at create: numbers 1..parts. */
  parts: number;
  /** The SHA-1 the client declared at create, checked at complete when present. */
  contentHash?: string;
  /** The size the client declared at create, checked against what the parts hold. */
  declaredSize?: number;
  received: Map<number, Buffer>;
  /** Set once complete (or a rapid upload) landed the file; later completes answer it again. */
  done: boolean;
}

/** Multipart upload sessions by upload id. */
export class UploadSessions {
  private readonly sessions = new Map<string, UploadSession>();

  open(node: StoredNode, parts: number, contentHash: string | undefined, done = false): UploadSession {
    const session: UploadSession = {
      upload_id: newId().slice(0, 32).toUpperCase(),
      node,
      parts,
      ...(contentHash ? { contentHash } : {}),
      received: new Map(),
      done,
    };
    this.sessions.set(session.upload_id, session);
    return session;
  }

  get(uploadId: string, fileId?: string): UploadSession {
    const session = this.sessions.get(uploadId);
    if (!session || (fileId !== undefined && session.node.file_id !== fileId)) throw uploadIdNotFound();
    return session;
  }

  find(uploadId: string): UploadSession | undefined {
    return this.sessions.get(uploadId);
  }

  dropFor(fileId: string): void {
    for (const [id, s] of this.sessions) if (s.node.file_id === fileId) this.sessions.delete(id);
  }

  /**
   * The assembled content of a finished session. Which codes the open API uses for a missing part,
   * a short part or a hash mismatch is not documented; OSS's names are used (InvalidPart,
   * EntityTooSmall) and InvalidContentHash for the SHA-1 check, all with status 400.
   */
  assemble(session: UploadSession): Content {
    const chunks: Buffer[] = [];
    for (let n = 1; n <= session.parts; n++) {
      const part = session.received.get(n);
      if (!part) throw new ApiError(400, 'InvalidPart', `Part ${n} has not been uploaded.`);
      if (n < session.parts && part.length < ALIYUN_MIN_PART_SIZE) {
        throw new ApiError(400, 'EntityTooSmall', `Part ${n} is smaller than the minimum allowed size.`);
      }
      chunks.push(part);
    }
    const content = new Content(chunks);
    if (session.contentHash && session.contentHash.toUpperCase() !== content.sha1) {
      this.sessions.delete(session.upload_id);
      throw new ApiError(400, 'InvalidContentHash', 'The content hash of the uploaded parts does not match content_hash.');
    }
    return content;
  }
}
