/**
 * CRC-32/IEEE (reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF): the checksum
 * 115's k_ec token and reply trailer use (Go's crc32.ChecksumIEEE, Python's binascii.crc32).
 * Hand-written so the codec does not depend on zlib.crc32, which Node 20 only gained in 20.15.
 */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The CRC of the concatenation of `parts` (so a salt and a body need no copy). */
export function crc32Ieee(...parts: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const part of parts) for (const byte of part) c = TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
