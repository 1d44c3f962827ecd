import type { Redis } from 'ioredis';
import type { ApiKeyStore } from '../auth/api-key-store.js';
import type { AuditLog } from '../auth/audit-log.js';
import type { RoutingPolicy } from '../routing/routing-policy.js';
import type { PolicySync } from '../routing-sync/policy-sync.js';
import type { RealtimeStats } from '../stats/realtime-stats.js';
import type { StatsAggregator } from '../stats/stats-aggregator.js';
import type { StatsConfig } from '../stats/stats-config.js';
import type { AgentAdmin } from './agent-admin.js';
import type { ApiConfig } from './api-config.js';
import type { HotlineMetrics } from './metrics/hotline-metrics.js';
import type { SupervisorEventSource } from './stream/supervisor-events.js';
import type { TransferDesk } from '../transfers/transfer-desk.js';
import type { CallbackDesk } from '../callbacks/callback-desk.js';
import type { ComplaintDesk } from '../care/complaint-desk.js';
import type { SurveyResults } from '../care/survey-results.js';
import type { Clock } from '../time/clock.js';
import type { RecordingCatalog } from './recording-catalog.js';
import type { DeskDeps } from './desk/desk-deps.js';
import type { WhatIfJobs } from '../whatif/whatif-jobs.js';
import type { CampaignDesk } from '../campaigns/campaign-desk.js';

/** Everything the supervisor API works with; built by the service. */
export interface SupervisorDeps {
  settings: ApiConfig;
  statsSettings: StatsConfig;
  /** For the shared rate-limit counters (when settings.rateLimit.store is redis). */
  redis: Redis;
  keyPrefix: string;
  keys: ApiKeyStore;
  audit: AuditLog;
  policy: RoutingPolicy;
  sync: PolicySync;
  stats: StatsAggregator;
  realtime: RealtimeStats;
  agents: AgentAdmin;
  events: SupervisorEventSource;
  metrics: HotlineMetrics;
  /** Callbacks, complaints and survey results; without it those routes are not offered. */
  care?: {
    callbacks: Pick<CallbackDesk, 'list' | 'get' | 'reschedule' | 'cancel'>;
    complaints: Pick<ComplaintDesk, 'list' | 'resolve'>;
    surveys: Pick<SurveyResults, 'aggregate'>;
  };
  /** Blind transfers of calls in progress; without it the /v1/calls routes are not offered. */
  transfers?: Pick<TransferDesk, 'request'>;
  /** Recorded conversations; without it the /v1/recordings routes answer 404 recordings-not-enabled. */
  recordings?: RecordingCatalog;
  /** The agents' desk (sign-in, PINs, /v1/desk, /v1/stats/agents); without it those routes are not offered. */
  desk?: DeskDeps;
  /** What-if runs; without it the /v1/whatif routes answer 404 whatif-not-enabled. */
  whatif?: Pick<WhatIfJobs, 'submit' | 'get'>;
  /** Outbound campaigns and the do-not-call list; without it those routes are not offered. */
  campaigns?: Pick<CampaignDesk, 'create' | 'view' | 'list' | 'control' | 'results' | 'rejections' | 'addDoNotCall' | 'importDoNotCall' | 'removeDoNotCall' | 'listDoNotCall'>;
  /** Largest body of a campaign's creation or a do-not-call import (campaigns.uploadLimitBytes). */
  campaignUploadLimitBytes?: number;
  /** Where audit entries take their time; the wall clock by default. */
  clock?: Clock;
}
