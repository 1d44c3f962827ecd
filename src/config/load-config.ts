import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';

export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** Well-known environment variables and the config key each sets. */
const ENV_KEYS: Record<string, string> = {
  HOST: 'server.host',
  PORT: 'server.port',
  REDIS_URL: 'redis.url',
  REDIS_PREFIX: 'redis.keyPrefix',
  REDIS_SENTINELS: 'redis.sentinels',
  REDIS_MASTER_NAME: 'redis.masterName',
  ARI_URL: 'ari.url',
  ARI_USER: 'ari.user',
  ARI_PASSWORD: 'ari.password',
  ARI_APP: 'ari.app',
  LOG_LEVEL: 'log.level',
  SOUNDS_DIR: 'sounds.dir',
};

/** The shipped configuration, one file per concern, merged in this order when present. */
export const DEFAULT_FILES = ['config/default.yaml', 'config/tiers.yaml', 'config/queues.yaml', 'config/agents.yaml'];

/** Any other key: HOTLINE__ari__requestTimeoutMs=3000 sets ari.requestTimeoutMs. */
const ENV_PREFIX = 'HOTLINE__';

export interface LoadOptions {
  /** The environment to read (process.env in main; a literal object in tests). */
  env?: Record<string, string | undefined>;
  /** YAML files merged in order; later files win. Default: DEFAULT_FILES + $CONFIG_FILES. */
  files?: string[];
  /** Plain object merged last (tests). */
  overrides?: Record<string, unknown>;
  /** Directory that relative paths are resolved against. */
  cwd?: string;
}

/**
 * Reads configuration once: YAML files, then environment, then overrides, validated
 * with zod as a whole against `schema` (the service composes it from the sections
 * each feature owns: src/service/config-schema.ts). A bad value stops start-up with
 * a message naming its key. The result is deep-frozen and passed down; no module
 * reads the environment itself.
 */
export function readConfig<S extends z.ZodType>(schema: S, options: LoadOptions = {}): DeepReadonly<z.infer<S>> {
  const env = options.env ?? {};
  const cwd = options.cwd ?? process.cwd();
  const files = options.files ?? [
    ...DEFAULT_FILES.filter((f) => existsSync(resolve(cwd, f))),
    ...(env.CONFIG_FILES ? env.CONFIG_FILES.split(',').map((f) => f.trim()).filter(Boolean) : []),
  ];
  let raw: Record<string, unknown> = {};
  for (const file of files) {
    const path = resolve(cwd, file);
    if (!existsSync(path)) {
      throw new ConfigError(`config file ${file} does not exist`, { file });
    }
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new ConfigError(`config file ${file} is not valid YAML: ${(err as Error).message}`, { file });
    }
    if (doc != null && (typeof doc !== 'object' || Array.isArray(doc))) {
      throw new ConfigError(`config file ${file} must hold a mapping at the top level`, { file });
    }
    raw = deepMerge(raw, (doc ?? {}) as Record<string, unknown>);
  }
  const sources = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    let key = ENV_KEYS[name];
    if (!key && name.startsWith(ENV_PREFIX)) key = name.slice(ENV_PREFIX.length).split('__').join('.');
    if (!key) continue;
    setPath(raw, key, value);
    sources.set(key, `environment variable ${name}`);
  }
  if (options.overrides) raw = deepMerge(raw, options.overrides);

  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(top level)';
      const from = sources.get(key);
      return `${key}: ${issue.message}${from ? ` (from ${from})` : ''}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`, {
      keys: parsed.error.issues.map((i) => i.path.join('.')),
    });
  }
  return deepFreeze(parsed.data) as DeepReadonly<z.infer<S>>;
}

export function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
