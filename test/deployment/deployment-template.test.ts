import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The deployment template (docker-compose.yml, Dockerfile, asterisk/*.conf) is
 * safe as shipped: nothing published on all interfaces, no password written
 * in a committed file (they come from an env file that is not committed, and
 * compose refuses to start without them), Redis behind a password, every
 * image pinned, the image built on the current Node LTS while the code still
 * runs on Node 20.
 */
const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), '../..'));
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** The Node.js line in Active LTS (Node 20 reached its end of life in April 2026). */
const NODE_LTS_MAJOR = 26;

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string> | string[];
  ports?: (string | { host_ip?: string; published?: string | number; target?: number })[];
  configs?: (string | { source: string; target?: string })[];
  secrets?: (string | { source: string; target?: string })[];
  healthcheck?: { test?: string[] | string };
}

interface Compose {
  services: Record<string, Service>;
  configs?: Record<string, { content?: string; file?: string; environment?: string }>;
  secrets?: Record<string, { file?: string; environment?: string }>;
}

const compose = parse(read('docker-compose.yml')) as Compose;

/** Compose's interpolation as it runs with nothing set: `${A:-x}` is x, `${A:?m}` refuses, `${A}` is empty. */
function interpolate(text: string, env: Record<string, string> = {}): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (_, name: string, op: string | undefined, arg: string | undefined) => {
    const value = env[name];
    const set = op?.startsWith(':') ? Boolean(value) : value !== undefined;
    if (set) return value!;
    if (op?.endsWith('-')) return arg ?? '';
    if (op?.endsWith('?')) throw new Error(`required variable ${name}: ${arg}`);
    return '';
  }).replace(/\$\$/g, '$');
}

/** A `${NAME:?message}` reference only: the value must come from the environment, and compose refuses to start without it. */
const REQUIRED = /^\$\{[A-Z][A-Z0-9_]*:\?[^}]+\}$/;
/** An exact version (1.2.3, optionally a variant suffix), optionally followed by a digest; or a digest alone. */
const PINNED = /^[a-z0-9./_-]+(:\d+\.\d+\.\d+(-[a-z0-9.-]+)?)?(@sha256:[a-f0-9]{64})?$/;

function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (!Array.isArray(env)) return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
  return Object.fromEntries(env.map((line) => [line.split('=')[0]!, line.slice(line.indexOf('=') + 1)]));
}

function isPinned(image: string): boolean {
  return PINNED.test(image) && (/:\d+\.\d+\.\d+/.test(image) || /@sha256:/.test(image));
}

describe('docker-compose.yml', () => {
  it('publishes no port on all interfaces: each is bound to a host address, loopback unless configured', () => {
    const published = Object.entries(compose.services).flatMap(([name, s]) => (s.ports ?? []).map((p) => ({ name, p })));
    expect(published.length).toBeGreaterThan(0);
    for (const { name, p } of published) {
      let hostIp: string;
      if (typeof p === 'string') {
        const parts = interpolate(p).split(':');
        expect(parts.length, `${name}: ${p} names no host address`).toBe(3);
        hostIp = parts[0]!;
      } else {
        hostIp = interpolate(p.host_ip ?? '');
      }
      expect(hostIp, `${name}: ${JSON.stringify(p)}`).toBe('127.0.0.1');
    }
    // SIP and RTP are among them, on the address the operator chooses.
    const sip = (compose.services.asterisk?.ports ?? []).map(String);
    expect(sip.some((p) => /^\$\{SIP_BIND_IP:-127\.0\.0\.1\}:5060:5060\/udp$/.test(p))).toBe(true);
  });

  it('holds no password: each comes from the environment, required', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(environmentOf(s))) {
        if (/PASSWORD|SECRET|TOKEN|AUTH/.test(key)) expect(value, `${name}.${key}`).toMatch(REQUIRED);
        if (key === 'REDIS_URL') expect(value, `${name}.REDIS_URL`).toMatch(/^redis:\/\/:\$\{REDIS_PASSWORD:\?[^}]+\}@redis:6379$/);
      }
      expect(JSON.stringify(s.command ?? ''), `${name}.command`).not.toMatch(/pass/i);
    }
    for (const [name, c] of Object.entries(compose.configs ?? {})) {
      for (const line of (c.content ?? '').split('\n')) {
        const m = /^\s*(password|requirepass)(?:\s*=\s*|\s+)(.*)$/i.exec(line);
        if (m) expect(m[2]!.trim(), `configs.${name}: ${line}`).toMatch(REQUIRED);
      }
    }
    // Without the env file compose refuses to start.
    expect(() => interpolate(read('docker-compose.yml'))).toThrow(/required variable (ARI_PASSWORD|REDIS_PASSWORD)/);
  });

  it('puts Redis behind a password, which the service and the health check use', () => {
    const redis = compose.services.redis!;
    const conf = Object.values(compose.configs ?? {}).map((c) => c.content ?? '').find((text) => /requirepass/.test(text));
    expect(conf, 'a Redis configuration with requirepass').toBeDefined();
    expect(conf).toMatch(/^requirepass \$\{REDIS_PASSWORD:\?[^}]+\}$/m);
    expect(conf).toMatch(/^appendonly yes$/m);
    const confTarget = (redis.configs ?? []).map((c) => (typeof c === 'string' ? c : c.target)).find(Boolean);
    expect(redis.command).toEqual(['redis-server', confTarget]);
    expect(environmentOf(redis).REDISCLI_AUTH).toMatch(REQUIRED);
  });

  it('pins every image to an exact version or digest', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (!s.image) {
        expect(s.build, `${name} has neither image nor build`).toBeDefined();
        continue;
      }
      if (REQUIRED.test(s.image)) continue; // the operator's choice, required (e.g. the Asterisk image)
      expect(isPinned(interpolate(s.image)), `${name}: ${s.image}`).toBe(true);
    }
  });

  it('the env file is not committed; .env.example names every variable compose requires, with no value', () => {
    expect(read('.gitignore').split('\n').map((l) => l.trim())).toContain('.env');
    const example = read('.env.example');
    const required = [...read('docker-compose.yml').matchAll(/\$\{([A-Z][A-Z0-9_]*):\?/g)].map((m) => m[1]!);
    expect(required).toEqual(expect.arrayContaining(['ARI_PASSWORD', 'REDIS_PASSWORD', 'ASTERISK_IMAGE']));
    for (const name of new Set(required)) {
      const line = example.split('\n').find((l) => l.startsWith(`${name}=`));
      expect(line, `.env.example names ${name}`).toBeDefined();
      if (/PASSWORD/.test(name)) expect(line).toBe(`${name}=`);
    }
  });
});

describe('asterisk/*.conf', () => {
  it('hold no password: the ARI user and the agents\' SIP accounts are included from files written from the environment', () => {
    for (const file of ['ari.conf', 'pjsip.conf', 'http.conf', 'extensions.conf', 'modules.conf']) {
      const text = read(`asterisk/${file}`);
      const secrets = text.split('\n').filter((l) => /^\s*(password|secret|md5_cred)\s*=/.test(l));
      expect(secrets, `asterisk/${file}`).toEqual([]);
    }
    expect(read('asterisk/ari.conf')).toMatch(/^#include ari_users\.conf$/m);
    expect(read('asterisk/pjsip.conf')).toMatch(/^#include pjsip_agents\.conf$/m);
    // Compose writes those files from the env file, and mounts them.
    const asterisk = compose.services.asterisk!;
    const targets = (asterisk.configs ?? []).map((c) => (typeof c === 'string' ? c : c.target));
    expect(targets).toEqual(expect.arrayContaining(['/etc/asterisk/ari_users.conf', '/etc/asterisk/pjsip_agents.conf']));
    expect(existsSync(join(ROOT, 'asterisk/ari_users.conf'))).toBe(false);
  });
});

describe('Dockerfile', () => {
  it(`builds and runs on Node ${NODE_LTS_MAJOR} (the current LTS), pinned to an exact version; the code still runs on Node 20`, () => {
    const text = read('Dockerfile');
    const args = Object.fromEntries([...text.matchAll(/^ARG\s+([A-Z_]+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
    const froms = [...text.matchAll(/^FROM\s+(\S+)/gm)].map((m) => interpolate(m[1]!, args));
    expect(froms.length).toBeGreaterThan(0);
    for (const image of froms) {
      expect(image).toMatch(new RegExp(`^node:${NODE_LTS_MAJOR}\\.\\d+\\.\\d+-[a-z]+-slim(@sha256:[a-f0-9]{64})?$`));
    }
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    expect(engines).toMatch(/^>=20(\.\d+)*$/);
  });
});
