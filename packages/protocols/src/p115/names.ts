/**
 * 115 writes some characters of a name (emoji, other non-BMP code points) as "[" U+0002
 * <decimal code point> "]"; listings must be decoded before a name is shown or written anywhere.
 */
const ESCAPED_CHAR = /\[\x02(\d{1,7})\]/g;

export function decode115Name(name: string): string {
  return name.replace(ESCAPED_CHAR, (whole, digits: string) => {
    const cp = Number(digits);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
  });
}

/** The server side of the same rule: code points outside the BMP are escaped. */
export function encode115Name(name: string): string {
  let out = '';
  for (const ch of name) {
    const cp = ch.codePointAt(0)!;
    out += cp > 0xffff ? `[\x02${cp}]` : ch;
  }
  return out;
}
