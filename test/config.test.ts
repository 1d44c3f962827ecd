import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/service/config-schema.js';
import { ConfigError } from '../src/errors.js';
import { maskPhone, maskAccount } from '../src/log/mask.js';

describe('configuration', () => {
  it('reads defaults, then environment variables, into a frozen object', () => {
    const config = loadConfig({ files: [], env: { PORT: '9090', ARI_APP: 'ivr-2', HOTLINE__ari__requestTimeoutMs: '1500' } });
    expect(config.server.port).toBe(9090);
    expect(config.ari.app).toBe('ivr-2');
    expect(config.ari.requestTimeoutMs).toBe(1500);
    expect(Object.isFrozen(config.ari)).toBe(true);
  });

  it('stops with a message naming the key and where the bad value came from', () => {
    expect(() => loadConfig({ files: [], env: { PORT: 'eighty' } })).toThrow(ConfigError);
    expect(() => loadConfig({ files: [], env: { PORT: 'eighty' } })).toThrow(/server\.port: .*environment variable PORT/);
    expect(() => loadConfig({ files: [], env: { REDIS_URL: 'http://x' } })).toThrow(/redis\.url/);
  });

  it('rejects unknown keys so a typo does not pass silently', () => {
    expect(() => loadConfig({ files: [], overrides: { ari: { aap: 'x' } } })).toThrow(/ari/);
  });

  it('refuses a dial lease shorter than twice the job lock, for callbacks and surveys, naming the key', () => {
    expect(() => loadConfig({ env: {}, overrides: { callbacks: { workers: { tryLeaseMs: 3000 } } } })).toThrow(/callbacks\.workers\.tryLeaseMs: tryLeaseMs must be at least twice lockDurationMs/);
    expect(() => loadConfig({ env: {}, overrides: { care: { survey: { workers: { lockDurationMs: 90_000 } } } } })).toThrow(/care\.survey\.workers\.tryLeaseMs/);
    expect(loadConfig({ env: {}, overrides: { callbacks: { workers: { lockDurationMs: 2000, tryLeaseMs: 4000 } } } }).callbacks.workers.tryLeaseMs).toBe(4000);
  });

  it('rejects a config file that does not exist', () => {
    expect(() => loadConfig({ files: ['config/nope.yaml'] })).toThrow(/config\/nope\.yaml does not exist/);
  });
});

describe('masking', () => {
  it.each([
    ['13800000001', '138****0001'],
    ['+8613800000001', '+86*******0001'],
    ['10000', '10000'],
    ['', ''],
  ])('masks phone %s as %s', (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });

  it('masks account ids but for the last four', () => {
    expect(maskAccount('AC10000042')).toBe('******0042');
  });
});
