import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/service/config-schema.js';

describe('Redis Sentinel settings', () => {
  it('reads the sentinels and the master name from REDIS_SENTINELS and REDIS_MASTER_NAME', () => {
    const config = loadConfig({ files: [], env: { REDIS_SENTINELS: 'sentinel-1:26379, 10.0.0.2:26380,[::1]:26381', REDIS_MASTER_NAME: 'hotline' } });
    expect(config.redis.sentinels).toEqual([
      { host: 'sentinel-1', port: 26379 },
      { host: '10.0.0.2', port: 26380 },
      { host: '::1', port: 26381 },
    ]);
    expect(config.redis.masterName).toBe('hotline');
    expect(config.redis.failoverWaitMs).toBe(15_000);
  });

  it('takes a list in a config file, and none by default', () => {
    expect(loadConfig({ files: [] }).redis.sentinels).toEqual([]);
    const config = loadConfig({ files: [], overrides: { redis: { sentinels: ['a:1', 'b:2'], masterName: 'm', sentinelTls: 'true', failoverWaitMs: '8000' } } });
    expect(config.redis).toMatchObject({ sentinels: [{ host: 'a', port: 1 }, { host: 'b', port: 2 }], masterName: 'm', sentinelTls: true, failoverWaitMs: 8000 });
  });

  it('names the bad sentinel address and where it came from', () => {
    expect(() => loadConfig({ files: [], env: { REDIS_SENTINELS: 'a:26379,b', REDIS_MASTER_NAME: 'm' } }))
      .toThrow(/redis\.sentinels\.1: "b" is not host:port/);
    expect(() => loadConfig({ files: [], env: { REDIS_SENTINELS: 'a:70000', REDIS_MASTER_NAME: 'm' } }))
      .toThrow(/redis\.sentinels\.0: "a:70000" is not host:port/);
  });

  it('refuses sentinels without the master name, and a master name without sentinels', () => {
    expect(() => loadConfig({ files: [], env: { REDIS_SENTINELS: 'a:26379' } }))
      .toThrow(/redis\.masterName: sentinels are set: name the master they watch \(REDIS_MASTER_NAME\)/);
    expect(() => loadConfig({ files: [], env: { REDIS_MASTER_NAME: 'm' } }))
      .toThrow(/redis\.sentinels: masterName "m" is set: list the sentinels/);
    expect(() => loadConfig({ files: [], overrides: { redis: { sentinelPassword: 'x' } } }))
      .toThrow(/redis\.sentinels: sentinelPassword or sentinelTls is set without sentinels/);
  });
});
