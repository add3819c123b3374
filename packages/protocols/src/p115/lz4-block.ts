/**
 * The LZ4 *block* format (lz4_Block_format.md), which 115 uses inside its k_ec replies
 * (web notes §4.4). Hand-written because only blocks of a few KiB are needed and the decoder must
 * treat the input as hostile: every read and every back-reference is bounds-checked and malformed
 * input raises Lz4Error, never an out-of-range access or an unbounded allocation.
 */
export class Lz4Error extends Error {
  override name = 'Lz4Error';
}

const MIN_MATCH = 4;
const LENGTH_MORE = 15;

/** Reads the 255-continued length extension that follows a nibble of 15; returns the new length and position. */
function readLength(src: Uint8Array, pos: number, base: number): [number, number] {
  let length = base;
  let p = pos;
  for (;;) {
    if (p >= src.length) throw new Lz4Error('lz4: block truncated inside a length');
    const b = src[p++]!;
    length += b;
    if (b !== 255) return [length, p];
  }
}

/**
 * Inflates one LZ4 block. `maxOutput` bounds the result (a block may claim far more than the caller
 * expects); exceeding it is an error, not a truncation.
 */
export function lz4BlockDecompress(src: Uint8Array, maxOutput: number): Buffer {
  if (src.length === 0) throw new Lz4Error('lz4: empty block');
  let ip = 0;
  let op = 0;
  // Grown on demand rather than allocated at maxOutput: callers pass generous limits.
  let out = Buffer.alloc(Math.min(maxOutput, src.length * 4));
  const reserve = (n: number) => {
    if (n > maxOutput - op) throw new Lz4Error(`lz4: block inflates beyond ${maxOutput} bytes`);
    if (op + n > out.length) {
      const grown = Buffer.alloc(Math.min(maxOutput, Math.max(out.length * 2, op + n)));
      out.copy(grown, 0, 0, op);
      out = grown;
    }
  };
  for (;;) {
    // A block ends with a literals-only sequence, so running out of input here (right after a match) is malformed.
    if (ip >= src.length) throw new Lz4Error('lz4: block ends with a match instead of literals');
    const token = src[ip++]!;
    let literals = token >>> 4;
    if (literals === LENGTH_MORE) [literals, ip] = readLength(src, ip, literals);
    if (literals > src.length - ip) throw new Lz4Error('lz4: block truncated inside literals');
    reserve(literals);
    out.set(src.subarray(ip, ip + literals), op);
    ip += literals;
    op += literals;
    if (ip === src.length) return out.subarray(0, op);

    if (src.length - ip < 2) throw new Lz4Error('lz4: block truncated inside a match offset');
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op) throw new Lz4Error(`lz4: match offset ${offset} outside the ${op} bytes written`);
    let length = token & 0x0f;
    if (length === LENGTH_MORE) [length, ip] = readLength(src, ip, length);
    length += MIN_MATCH;
    reserve(length);
    // Byte by byte: the source may overlap the bytes being written (offset < length repeats a pattern).
    for (let i = 0; i < length; i++, op++) out[op] = out[op - offset]!;
  }
}

/**
 * Encodes `data` as one literals-only LZ4 block: valid LZ4 that any decoder inflates, without a
 * compressor. Enough for an emulator, whose replies are small JSON documents.
 */
export function lz4BlockEncodeLiterals(data: Uint8Array): Buffer {
  const head: number[] = [];
  if (data.length < LENGTH_MORE) {
    head.push(data.length << 4);
  } else {
    head.push(LENGTH_MORE << 4);
    let rest = data.length - LENGTH_MORE;
    for (; rest >= 255; rest -= 255) head.push(255);
    head.push(rest);
  }
  return Buffer.concat([Buffer.from(head), data]);
}
