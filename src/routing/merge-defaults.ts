/**
 * Lays a partial configuration value over its defaults, one level of nested
 * objects deep (enough for the routing sections). Anything that is not a plain
 * object is returned as it is, so the schema reports it rather than this.
 */
export function mergeDefaults(defaults: object, value: unknown): unknown {
  if (value === undefined) return structuredClone(defaults);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = structuredClone(defaults) as Record<string, unknown>;
  for (const [key, v] of Object.entries(value)) {
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(v) ? { ...prev, ...v } : v;
  }
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
