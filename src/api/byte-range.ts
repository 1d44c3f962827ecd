/**
 * The part of a file a `Range` request header asks for (RFC 9110, section
 * 14), so a browser's audio player can seek in a recording.
 */
export type ByteRange =
  | { kind: 'whole' }
  /** Bytes start to end, both included. */
  | { kind: 'part'; start: number; end: number }
  | { kind: 'unsatisfiable' };

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/i;

/**
 * `bytes=a-b`, `bytes=a-` (from a to the end) and `bytes=-n` (the last n
 * bytes), an end past the file cut to its last byte. A header this does not
 * understand — another unit, several ranges, a malformed one — is ignored
 * and the whole file sent, as the RFC lets a server do; a well-formed range
 * that starts past the end of the file (or asks for the last 0 bytes) is
 * unsatisfiable (416).
 */
export function byteRange(header: string | undefined, size: number): ByteRange {
  if (header === undefined) return { kind: 'whole' };
  const match = SINGLE_RANGE.exec(header.trim());
  if (!match) return { kind: 'whole' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'part', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'part', start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}
