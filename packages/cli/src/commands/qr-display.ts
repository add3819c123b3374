import { writeFile } from 'node:fs/promises';
import QRCode from 'qrcode';

/** Shows a QR code on stderr (and its content, for terminals that cannot draw it), and as a PNG when asked. */
export async function showQrCode(content: string, pngPath: string | undefined): Promise<void> {
  process.stderr.write(`${await QRCode.toString(content, { type: 'terminal', small: true })}\n`);
  process.stderr.write(`QR code content: ${content}\n`);
  if (pngPath) {
    await writeFile(pngPath, await QRCode.toBuffer(content, { type: 'png' }));
    process.stderr.write(`QR code written to ${pngPath}\n`);
  }
}
