/**
 * Malformed input for the fuzz test: values of every JSON type that no field
 * accepts as they are, strings that break parsers, and raw bodies that are not
 * JSON at all. A seeded generator adds random junk, so a failure can be
 * replayed with FUZZ_SEED.
 */

export const SEED = Number(process.env.FUZZ_SEED ?? 20260105);

/** mulberry32: small, seeded, good enough to pick junk. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

/** JSON values, one of each kind of trouble. */
export const JUNK_VALUES: unknown[] = [
  // biome-ignore lint/correctness/noPrecisionLoss: a number JSON cannot hold exactly is one of the kinds of trouble
  null, true, false, 0, -1, -0.5, 1.5, 2 ** 53 + 2, 1e308, -1e308, 123456789012345678901234567890,
  '', ' ', '0', '-1', '1e400', 'NaN', 'Infinity', 'null', 'true', '[]', '{}',
  'x'.repeat(5000), '💥😀 中文 ÿ', '\u0000\u0001\u001f', '\u202e\u200b', '<script>alert(1)</script>',
  "'; DROP TABLE agents; --", '../../etc/passwd', '%00', '${jndi:ldap://x}',
  [], [1, 2], [null], ['billing'], {}, { a: { b: { c: [] } } }, { $gt: '' }, nested(300),
];

/** Random junk: strings of odd characters, numbers of odd sizes, small random structures. */
export function randomJunk(next: () => number, count: number): unknown[] {
  const out: unknown[] = [];
  const chars = ['a', 'Z', '0', '-', '_', ' ', '"', '\\', '/', '%', '\u0000', '\n', '中', '😀', '\uffff', '{', '[', ':'];
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const value = (depth: number): unknown => {
    const kind = Math.floor(next() * (depth > 2 ? 4 : 6));
    if (kind === 0) return Array.from({ length: Math.floor(next() * 40) }, () => pick(chars)).join('');
    if (kind === 1) return (next() - 0.5) * 10 ** Math.floor(next() * 30);
    if (kind === 2) return pick([null, true, false]);
    if (kind === 3) return -Math.floor(next() * 1e6);
    if (kind === 4) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [pick(['', 'a', 'id', 'role', '__proto__', 'constructor', '中']), value(depth + 1)]));
  };
  for (let i = 0; i < count; i++) out.push(value(0));
  return out;
}

/** Bodies sent as they are with Content-Type: application/json. */
export const RAW_JSON_BODIES: string[] = [
  '', ' ', '{', '}', '{"a":}', '[', 'nul', '"unterminated', "{'single': 1}", '{"a":1,}', '\ufeff{}',
  '{"__proto__": {"polluted": true}}', '{"constructor": {"prototype": {"polluted": true}}}',
  '{"a":1,"a":2}', '1e999999', '-', '0x10', '[' .repeat(5000) + ']'.repeat(5000), '{"a":'.repeat(3000) + '1' + '}'.repeat(3000),
  `"${'x'.repeat(70 * 1024)}"`,
];

/** Other content types, each with a body that would be fine as JSON. */
export const OTHER_CONTENT_TYPES: string[] = [
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml',
  'application/json; charset=utf-16', 'application/octet-stream', 'image/png', 'application/jsonx', ';;;', 'text/csv',
];

/** Path ids that no queue, tier, agent or key has, including ones that trip naive lookups. */
export const ODD_IDS: string[] = [
  '%00', '%ZZ', '%', '%F0%9F%92%A5', '..', '%2e%2e', '%2F', 'constructor', '__proto__', 'toString', 'hasOwnProperty',
  '%20', 'a'.repeat(250), '-1', '0', '1e400', '%E4%B8%AD%E6%96%87', "'%3B--",
];

/** Query strings (without '?') that are wrong for a route whose query parameters are `names`. */
export function oddQueries(names: string[]): string[] {
  const values = ['', '-1', '0', '1e400', 'NaN', '99999999999999999999', 'abc', '%00', '%ZZ', '%F0%9F%92%A5', 'x'.repeat(3000), '2026-13-45T99:99:99Z', '1767574800000-0', '18446744073709551616-0'];
  const out = ['unknown=1', 'a', '=', '&&&', '%ZZ=1', '__proto__[x]=1', 'constructor[prototype][x]=1'];
  for (const name of names) {
    for (const v of values) out.push(`${name}=${v}`);
    out.push(`${name}=a&${name}=b`, `${name}[x]=1`, `${name}[]=1`, name);
  }
  return out;
}
