import { createHash } from 'node:crypto';
import { z } from 'zod';

/** What a QR authorization asks for: read and write the user's files (every SDK's full set). */
export const ALIYUN_QR_SCOPES = ['user:base', 'file:all:read', 'file:all:write'] as const;

/** States of a QR authorization, as the status call names them. */
export const ALIYUN_QR_STATUS = {
  waiting: 'WaitLogin',
  scanned: 'ScanSuccess',
  confirmed: 'LoginSuccess',
  expired: 'QRCodeExpired',
} as const;

/**
 * What the QR code encodes: the authorization page of this sid, which the Aliyun Drive app opens
 * when it scans it (`qrCodeUrl` is the address of a picture of that code, not its content).
 */
export function aliyunQrContent(sid: string): string {
  return `https://www.aliyundrive.com/o/oauth/authorize?sid=${encodeURIComponent(sid)}`;
}

export const aliyunQrCodeRequestSchema = z.object({
  client_id: z.string(),
  client_secret: z.string().optional(),
  scopes: z.array(z.string()),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  code_challenge: z.string().optional(),
  code_challenge_method: z.enum(['S256', 'plain']).optional(),
});

export const aliyunQrCodeResponseSchema = z.object({ qrCodeUrl: z.string(), sid: z.string().min(1) });

/** `status` is kept a string: a state this version does not know is shown, not fatal. */
export const aliyunQrStatusResponseSchema = z.object({ status: z.string(), authCode: z.string().optional() });

/** The authorization_code grant's answer: PKCE grants carry no refresh token. */
export const aliyunCodeGrantResponseSchema = z.object({
  token_type: z.string().optional(),
  access_token: z.string().min(1),
  refresh_token: z.string().optional(),
  expires_in: z.number(),
});

/**
 * The PKCE code challenge of a verifier. S256 is base64url of its SHA-256 with the padding kept,
 * as both official SDKs send it (Android URL_SAFE|NO_WRAP, iOS replacing only + and /).
 */
export function aliyunCodeChallenge(verifier: string, method: 'S256' | 'plain'): string {
  if (method === 'plain') return verifier;
  return createHash('sha256').update(verifier).digest('base64').replace(/\+/g, '-').replace(/\//g, '_');
}
