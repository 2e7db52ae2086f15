// Entry names on disk (docs/STORAGE.md, "Names on disk"). A Waterfall name may hold characters
// a file system forbids; on Windows, ByteFall maps each name one to one, as Cygwin and WSL do:
// a forbidden ASCII character c becomes U+F000 + c (a private-use character), so does a
// trailing dot or space, and so does the last character before the first dot of a reserved
// device name (CON, nul.txt...). Names that already hold a character of U+F000-U+F07F, and
// names equal to another of the same directory once case is folded, cannot be placed one to one:
// they are refused with NAME_UNMAPPABLE. On POSIX systems names are used as they are.
import { join } from 'node:path';
import { BytefallError } from '../errors.js';

export type NameMapping = 'posix' | 'windows';

let mappingOfProcess: NameMapping | undefined;

/** The mapping this process uses: Windows on win32, or when BYTEFALL_NAME_MAPPING=windows (tests on POSIX); read once. */
export function defaultMapping(): NameMapping {
  if (mappingOfProcess) return mappingOfProcess;
  const forced = process.env.BYTEFALL_NAME_MAPPING;
  mappingOfProcess = forced === 'windows' || forced === 'posix' ? forced : process.platform === 'win32' ? 'windows' : 'posix';
  return mappingOfProcess;
}

const PRIVATE_BASE = 0xf000;
/** Characters Windows forbids in a name: control characters and < > : " / \ | ? *. */
const FORBIDDEN = /[\u0000-\u001f<>:"/\\|?*]/;
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
const MAPPED = /[\uf000-\uf07f]/;

const escape = (c: string): string => String.fromCharCode(PRIVATE_BASE + c.charCodeAt(0));

/** The local form of one entry name under `mapping`; NAME_UNMAPPABLE when it cannot be one to one. */
export function localName(name: string, mapping: NameMapping = defaultMapping()): string {
  if (mapping === 'posix') return name;
  if (MAPPED.test(name)) {
    throw new BytefallError('NAME_UNMAPPABLE', `${JSON.stringify(name)} holds a character of U+F000-U+F07F, which Windows names use to stand for forbidden characters`);
  }
  let out = '';
  for (const c of name) out += c.length === 1 && FORBIDDEN.test(c) ? escape(c) : c;
  const dot = out.indexOf('.');
  const stem = dot < 0 ? out : out.slice(0, dot);
  if (RESERVED.test(stem)) out = stem.slice(0, -1) + escape(stem.slice(-1)) + out.slice(stem.length);
  const last = out.slice(-1);
  if (last === '.' || last === ' ') out = out.slice(0, -1) + escape(last);
  return out;
}

/** The entry name a local name stands for (the inverse of localName). */
export function entryName(local: string, mapping: NameMapping = defaultMapping()): string {
  if (mapping === 'posix') return local;
  let out = '';
  for (const c of local) {
    const code = c.charCodeAt(0);
    out += code >= PRIVATE_BASE && code < PRIVATE_BASE + 0x80 ? String.fromCharCode(code - PRIVATE_BASE) : c;
  }
  return out;
}

/** `root` joined with the local form of each component of `path`. */
export function localPath(root: string, path: readonly string[], mapping: NameMapping = defaultMapping()): string {
  return mapping === 'posix' ? join(root, ...path) : join(root, ...path.map((n) => localName(n, mapping)));
}

/**
 * Refuses (NAME_UNMAPPABLE) a set of entry paths that cannot be placed one to one under
 * `mapping`: a name that cannot be mapped, or two names of one directory that a case-insensitive
 * file system takes for one.
 */
export function checkLocalNames(paths: readonly (readonly string[])[], mapping: NameMapping = defaultMapping()): void {
  if (mapping === 'posix') return;
  const seen = new Map<string, string>();
  for (const path of paths) {
    const local = path.map((n) => localName(n, mapping));
    const folded = local.map((n) => n.toLowerCase().toUpperCase()).join('/');
    const other = seen.get(folded);
    if (other !== undefined) {
      throw new BytefallError('NAME_UNMAPPABLE', `${path.join('/')} and ${other} are one name on a case-insensitive file system`);
    }
    seen.set(folded, path.join('/'));
  }
}
