import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { systemClock, type Clock } from '../../src/time/clock.js';
import { apiConfigSchema, type ApiConfig } from '../../src/api/api-config.js';
import { createServer } from '../../src/api/create-server.js';
import { HotlineMetrics } from '../../src/api/metrics/hotline-metrics.js';
import { SupervisorEventHub } from '../../src/api/stream/supervisor-events.js';
import { ApiKeyStore } from '../../src/auth/api-key-store.js';
import { AuditLog } from '../../src/auth/audit-log.js';
import type { Role } from '../../src/auth/roles.js';
import { CallRecordLog } from '../../src/call-records/call-record-log.js';
import { defaultQueuesConfig } from '../../src/routing/queues-config.js';
import { RoutingPolicy } from '../../src/routing/routing-policy.js';
import { defaultTiersConfig } from '../../src/routing/tiers-config.js';
import { PolicySync } from '../../src/routing-sync/policy-sync.js';
import { RealtimeStats } from '../../src/stats/realtime-stats.js';
import { StatsAggregator } from '../../src/stats/stats-aggregator.js';
import { statsConfigSchema } from '../../src/stats/stats-config.js';
import { startAcd, type AcdFixture } from '../acd/support/acd-fixture.js';
import { uniquePrefix } from './sync-fixture.js';
import { TestLiveStats } from './test-live-stats.js';
import { TransferDesk } from '../../src/transfers/transfer-desk.js';
import { CallbackService } from '../../src/callbacks/callback-service.js';
import { CallbackDesk } from '../../src/callbacks/callback-desk.js';
import { callbacksSectionSchema } from '../../src/callbacks/callbacks-config.js';
import { ComplaintDesk } from '../../src/care/complaint-desk.js';
import { ComplaintTickets } from '../../src/care/complaint-tickets.js';
import { SurveyResults } from '../../src/care/survey-results.js';
import { FakeRecordingCatalog } from './fake-recording-catalog.js';
import type { RecordingCatalog } from '../../src/api/recording-catalog.js';
import { AgentDesk } from '../../src/desk/agent-desk.js';
import { DeskNotices } from '../../src/desk/desk-notices.js';
import { DeskStore } from '../../src/desk/desk-store.js';
import { deskConfigSchema } from '../../src/desk/desk-config.js';
import { AgentPins } from '../../src/auth/agent-pins.js';
import { RedisCustomerStore } from '../../src/customers/redis-customer-store.js';
import { whatIfSectionSchema } from '../../src/whatif/whatif-config.js';
import { WhatIfJobs } from '../../src/whatif/whatif-jobs.js';
import { CampaignDesk } from '../../src/campaigns/campaign-desk.js';
import { CampaignFlows } from '../../src/campaigns/campaign-flows-check.js';
import { CampaignStore } from '../../src/campaigns/campaign-store.js';
import { campaignsSectionSchema } from '../../src/campaigns/campaigns-config.js';
import { DoNotCallList } from '../../src/campaigns/do-not-call.js';
import { dialogueFlows } from '../../src/flows/all-flows.js';
import { validateFlows } from '../../src/flows/validate-flows.js';
import { loadPromptManifest } from '../../src/prompts/prompt-manifest.js';

export interface ApiFixture {
  app: FastifyInstance;
  /** Base URL when started with `listen`. */
  url: string;
  prefix: string;
  redis: Redis;
  /** A valid key of each role. */
  keys: Record<Role, string>;
  revokedKey: string;
  keyStore: ApiKeyStore;
  policy: RoutingPolicy;
  recorder: CallRecordLog;
  live: TestLiveStats;
  events: SupervisorEventHub;
  acd: AcdFixture;
  /** The in-memory recordings the API serves (empty until a test adds some); null when started without them or with others. */
  recordings: FakeRecordingCatalog | null;
  audit: AuditLog;
  close(): Promise<void>;
}

export interface ApiFixtureOptions {
  redisUrl: string;
  /** Share Redis data with another fixture (two instances of one deployment). */
  prefix?: string;
  listen?: boolean;
  api?: Partial<{ rateLimit: Partial<ApiConfig['rateLimit']>; streamIntervalSec: number; bodyLimitBytes: number; streams: Partial<ApiConfig['streams']> }>;
  /** Keys to reuse instead of creating new ones (a second instance). */
  keys?: Record<Role, string>;
  /** Where the keys and the API read the time (key expiry); the wall clock by default. */
  clock?: Clock;
  /** The recordings the API serves: an in-memory catalog by default; false for a service without recordings. */
  recordings?: false | RecordingCatalog;
  /** The audit trail the API writes to; one on the fixture's Redis by default. */
  audit?: (redis: Redis, prefix: string) => AuditLog;
}

export const silent = pino({ level: 'silent' });

/** A supervisor API on the shared test Redis with a real routing sync, statistics, keys and ACD (fake switch). */
export async function startApi(options: ApiFixtureOptions): Promise<ApiFixture> {
  const prefix = options.prefix ?? uniquePrefix('api');
  const redis = new Redis(options.redisUrl);
  const settings = apiConfigSchema.parse({ ...options.api, rateLimit: { max: 100_000, ...options.api?.rateLimit } });
  const statsSettings = statsConfigSchema.parse({});
  const policy = new RoutingPolicy({ routing: defaultTiersConfig, queues: defaultQueuesConfig });
  const audit = options.audit ? options.audit(redis, prefix) : new AuditLog({ redis, keyPrefix: prefix });
  const fakeRecordings = options.recordings === undefined ? new FakeRecordingCatalog() : null;
  const recordings = options.recordings === false ? null : (options.recordings ?? fakeRecordings);
  const sync = new PolicySync({ redis, keyPrefix: prefix, policy, audit, logger: silent });
  await sync.start();
  const recorder = new CallRecordLog({ redis, keyPrefix: prefix });
  const stats = new StatsAggregator({ redis, streamKey: recorder.key, settings: statsSettings });
  const live = new TestLiveStats();
  const realtime = new RealtimeStats({ aggregator: stats, live, snapshot: () => policy.snapshot(), timeZone: statsSettings.timeZone });
  const events = new SupervisorEventHub();
  policy.onChange((change) => events.publishRouting(change));
  const metrics = new HotlineMetrics({ defaultMetrics: false });
  events.subscribe((event) => metrics.observe(event));
  const acd = await startAcd({ redisUrl: options.redisUrl, prefix, clock: systemClock, queues: { ...defaultQueuesConfig }, instanceId: `api-${Math.random().toString(36).slice(2, 8)}` });
  const offAcd = acd.acd.onEvent((event) => events.publishAcd(event));
  const keyStore = new ApiKeyStore({ redis, keyPrefix: prefix, ...(options.clock ? { clock: options.clock } : {}) });
  const keys = options.keys ?? {
    viewer: (await keyStore.create({ role: 'viewer', name: 'vera' })).key,
    supervisor: (await keyStore.create({ role: 'supervisor', name: 'sam' })).key,
    admin: (await keyStore.create({ role: 'admin', name: 'ada' })).key,
    auditor: (await keyStore.create({ role: 'auditor', name: 'aude' })).key,
    agent: (await keyStore.create({ role: 'agent', name: 'lina', agentId: '1001' })).key,
  };
  const revoked = await keyStore.create({ role: 'admin', name: 'gone' });
  await keyStore.revoke(revoked.record.id);
  if (!options.keys) await acd.acd.agents.add({ id: '1001', name: 'Li Na', dial: 'PJSIP/1001', skills: { billing: 3, general: 2 } });

  // The care desks over this Redis; the callback service is not started (no dialling), its desk reads and validates.
  const callbacks = new CallbackService({
    config: callbacksSectionSchema.parse({}), redis, redisUrl: options.redisUrl, keyPrefix: prefix, acd: acd.acd,
    callControl: acd.switch, policy, recorder, logger: silent,
  });
  const care = {
    callbacks: new CallbackDesk(callbacks, acd.acd),
    complaints: new ComplaintDesk(new ComplaintTickets(redis, prefix, 'Asia/Shanghai'), recorder),
    surveys: new SurveyResults(redis, prefix, 'Asia/Shanghai'),
  };
  const transfers = new TransferDesk({ acd: acd.acd, redis, keyPrefix: prefix, queues: () => policy.snapshot().queues, resume: () => undefined, logger: silent });
  const deskNotices = new DeskNotices(redis, prefix, silent);
  const desk = {
    desk: new AgentDesk({
      agents: acd.acd.agents, calls: acd.acd, store: new DeskStore(redis, prefix, 10), notices: deskNotices, customers: new RedisCustomerStore(redis, prefix),
      complaints: new ComplaintTickets(redis, prefix, 'Asia/Shanghai'), policy, recorder, transfers, callbacks, config: deskConfigSchema.parse({}),
      timeZone: 'Asia/Shanghai', language: 'zh', clock: options.clock ?? systemClock, logger: silent,
    }),
    notices: deskNotices,
    pins: new AgentPins({ redis, keyPrefix: prefix, maxAttempts: 5, lockMinutes: 15 }),
    callRecords: recorder,
  };
  const offDesk = acd.acd.onEvent((event) => desk.desk.observe(event));
  const whatif = new WhatIfJobs({
    redisUrl: options.redisUrl, keyPrefix: prefix, settings: whatIfSectionSchema.parse({}),
    snapshot: () => policy.snapshot(), agents: () => acd.acd.agents.list(), callRecords: (from, to) => recorder.range(from, to),
    shortAbandonSec: statsSettings.shortAbandonSec, clock: options.clock ?? systemClock, logger: silent,
  });
  whatif.start();
  // The campaigns desk over this Redis: creates and controls campaigns; nothing dials them here.
  const campaignStore = new CampaignStore(redis, prefix);
  const manifest = loadPromptManifest('config/prompts.yaml');
  const campaigns = new CampaignDesk({
    store: campaignStore, dnc: new DoNotCallList(redis, campaignStore.base), flows: new CampaignFlows(validateFlows(dialogueFlows, manifest), manifest),
    customers: new RedisCustomerStore(redis, prefix), policy, config: campaignsSectionSchema.parse({}), clock: options.clock ?? systemClock, changed: () => {},
  });
  const app = await createServer({
    logger: silent,
    health: { ariReady: () => true, redisReady: async () => true },
    supervisor: {
      settings, statsSettings, redis, keyPrefix: prefix, keys: keyStore, audit, policy, sync, stats, realtime,
      agents: acd.acd.agents, events, metrics,
      ...(options.clock ? { clock: options.clock } : {}),
      care,
      campaigns,
      ...(recordings ? { recordings } : {}),
      transfers,
      desk,
      whatif,
    },
  });
  let url = '';
  if (options.listen) url = await app.listen({ host: '127.0.0.1', port: 0 });
  else await app.ready();
  return {
    app, url, prefix, redis, keys, revokedKey: revoked.key, keyStore, policy, recorder, live, events, acd, recordings: fakeRecordings, audit,
    async close() {
      await app.close();
      await whatif.stop();
      offAcd();
      offDesk();
      await acd.close();
      await sync.stop();
      redis.disconnect();
    },
  };
}

export function bearer(key: string): { authorization: string } {
  return { authorization: `Bearer ${key}` };
}
