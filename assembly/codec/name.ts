// Name fields (the Waterfall's and each entry's): 256 bytes of well-formed
// UTF-8 without control characters, NUL-terminated and NUL-padded. Entry names
// also may not be "." or ".." or contain "/". See docs/FORMAT.md, Conventions.
import { IO, fits, setSlot, firstNonZero, F_WHERE } from './memory';
import * as S from './status';

export const NAME_LEN: u32 = 256;
/** Slot 0 after a name check: the name's length in bytes. */
export const N_LEN: u32 = 0;

/** True when io[i] is a UTF-8 continuation byte in [lo, hi] and i < end. */
// @ts-ignore: decorator
@inline function cont(i: u32, end: u32, lo: u8, hi: u8): bool {
  if (i >= end) return false;
  const b = load<u8>(IO + i);
  return b >= lo && b <= hi;
}

/** Checks io[at, at+len) is well-formed UTF-8 without control characters (and without "/" when entry). */
function scan(at: u32, len: u32, entry: bool): i32 {
  const end = at + len;
  let i = at;
  while (i < end) {
    const b = load<u8>(IO + i);
    let n: u32 = 1;
    if (b < 0x80) {
      if (b < 0x20 || b == 0x7f) return bad(i, S.NAME_CONTROL);
      if (entry && b == 0x2f) return bad(i, S.NAME_SLASH);
    } else if (b >= 0xc2 && b <= 0xdf) {
      if (!cont(i + 1, end, 0x80, 0xbf)) return bad(i, S.NAME_UTF8);
      n = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      // E0: no overlong forms; ED: no surrogates (U+D800-U+DFFF).
      const lo: u8 = b == 0xe0 ? 0xa0 : 0x80;
      const hi: u8 = b == 0xed ? 0x9f : 0xbf;
      if (!cont(i + 1, end, lo, hi) || !cont(i + 2, end, 0x80, 0xbf)) return bad(i, S.NAME_UTF8);
      n = 3;
    } else if (b >= 0xf0 && b <= 0xf4) {
      // F0: no overlong forms; F4: nothing above U+10FFFF.
      const lo: u8 = b == 0xf0 ? 0x90 : 0x80;
      const hi: u8 = b == 0xf4 ? 0x8f : 0xbf;
      if (!cont(i + 1, end, lo, hi) || !cont(i + 2, end, 0x80, 0xbf) || !cont(i + 3, end, 0x80, 0xbf)) {
        return bad(i, S.NAME_UTF8);
      }
      n = 4;
    } else {
      return bad(i, S.NAME_UTF8); // stray continuation, C0/C1 overlong lead, or F5-FF
    }
    i += n;
  }
  return S.OK;
}

function bad(i: u32, status: i32): i32 {
  setSlot(F_WHERE, i);
  return status;
}

/** Validates the 256-byte name field at io[at]; entry != 0 adds the entry-name rules. Slot 0 = length. */
export function checkName(at: u32, entry: u32): i32 {
  if (!fits(at, NAME_LEN)) return S.OUT_OF_BOUNDS;
  const p = IO + at;
  let len: u32 = 0;
  while (len < NAME_LEN && load<u8>(p + len) != 0) len++;
  setSlot(N_LEN, len);
  if (len == NAME_LEN) return bad(at + NAME_LEN - 1, S.NAME_NO_NUL);
  if (firstNonZero(at + len + 1, NAME_LEN - len - 1) >= 0) return S.NAME_PADDING;
  if (len == 0) return S.NAME_EMPTY;
  const status = scan(at, len, entry != 0);
  if (status != S.OK) return status;
  if (entry != 0 && load<u8>(p) == 0x2e && (len == 1 || (len == 2 && load<u8>(p + 1) == 0x2e))) {
    return S.NAME_DOT;
  }
  return S.OK;
}

/**
 * The host has copied `len` UTF-8 bytes to io[at] (at most 256 of them); this
 * NUL-pads the field and validates it. Names longer than 255 bytes are refused.
 */
export function encodeName(at: u32, len: u32, entry: u32): i32 {
  if (!fits(at, NAME_LEN)) return S.OUT_OF_BOUNDS;
  setSlot(N_LEN, len);
  if (len >= NAME_LEN) return S.NAME_TOO_LONG;
  memory.fill(IO + at + len, 0, NAME_LEN - len);
  return checkName(at, entry);
}
