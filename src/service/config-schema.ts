import { z } from 'zod';
import { acdConfigSchema, checkAgentDials } from '../acd/acd-config.js';
import { agentsConfigSchema } from '../acd/agents-config.js';
import { apiConfigSchema } from '../api/api-config.js';
import { callbacksSectionSchema } from '../callbacks/callbacks-config.js';
import { callerTimeConfigSchema } from '../caller-time/caller-time-config.js';
import { careSectionSchema } from '../care/care-config.js';
import { callRecordsSectionSchema } from '../call-records/call-records-config.js';
import { whatIfSectionSchema } from '../whatif/whatif-config.js';
import { campaignsSectionSchema } from '../campaigns/campaigns-config.js';
import { ariSchema, instanceSchema, logSchema, redisSchema, serverSchema, soundsSchema } from '../config/base-schema.js';
import { type DeepReadonly, type LoadOptions, readConfig } from '../config/load-config.js';
import { ivrConfigSchema } from '../flows/menu-order.js';
import { customersSectionSchema } from '../customers/customers-config.js';
import { promptsConfigSchema } from '../prompts/prompts-config.js';
import { retentionSectionSchema } from '../retention/retention-config.js';
import { recordingsSectionSchema } from '../recordings/recordings-config.js';
import { queuesConfigSchema } from '../routing/queues-config.js';
import { tiersConfigSchema } from '../routing/tiers-config.js';
import { statsConfigSchema } from '../stats/stats-config.js';
import { deskConfigSchema } from '../desk/desk-config.js';

/**
 * The whole configuration of one service instance. Each feature owns the schema
 * of its section, next to its code; src/config holds the loader and the
 * foundation sections; the service, which wires the features together, composes
 * them here.
 */
export const configSchema = z.object({
  instance: instanceSchema.prefault({}),
  server: serverSchema.prefault({}),
  redis: redisSchema.prefault({}),
  ari: ariSchema.prefault({}),
  log: logSchema.prefault({}),
  sounds: soundsSchema.prefault({}),
  prompts: promptsConfigSchema.prefault({}),
  /** The IVR: the order each menu reads its options. */
  ivr: ivrConfigSchema.prefault({}),
  /** Seconds each tier's caller may wait from the answer to an agent rung (`npm run caller-time`). */
  callerTime: callerTimeConfigSchema.prefault({}),
  customers: customersSectionSchema.prefault({}),
  /** The supervisor API: rate limits, body size, stream interval. */
  api: apiConfigSchema.prefault({}),
  /** Statistics: time zone of "today", short-abandon threshold. */
  stats: statsConfigSchema.prefault({}),
  /** The agents' desk: pause reasons, dispositions, tier colours, PIN sign-in. */
  desk: deskConfigSchema.prefault({}),
  /** Callbacks: dialling, retries, quiet hours. */
  callbacks: callbacksSectionSchema.prefault({}),
  /** Care after the call: follow-up surveys and complaint tickets. */
  care: careSectionSchema.prefault({}),
  /** Outbound campaigns: pacing, retries, the period between two campaigns' calls to a number. */
  campaigns: campaignsSectionSchema.prefault({}),
  /** Call records: how long they are kept. */
  callRecords: callRecordsSectionSchema.prefault({}),
  /** Agent conversations: recorded, copied to the store, kept retentionDays (at least 90). */
  recordings: recordingsSectionSchema.prefault({}),
  /** When the daily retention job runs. */
  retention: retentionSectionSchema.prefault({}),
  /** What-if runs: how many may wait their turn, how long results are kept. */
  whatif: whatIfSectionSchema.prefault({}),
  /** config/tiers.yaml: value tiers, classification, transfer priority. */
  routing: tiersConfigSchema,
  /** config/queues.yaml: the skill queues. */
  queues: queuesConfigSchema,
  /** config/agents.yaml: the rules agents' definitions follow (allowed dial strings). */
  acd: acdConfigSchema.prefault({}),
  /** config/agents.yaml: agents known at start-up. */
  agents: agentsConfigSchema.default([]),
}).strict()
  // Each agent's dial string must be one the `acd` section allows.
  .superRefine(checkAgentDials);

export type Config = DeepReadonly<z.infer<typeof configSchema>>;

/** Reads and validates the whole configuration (files, environment, overrides): see readConfig. */
export function loadConfig(options: LoadOptions = {}): Config {
  return readConfig(configSchema, options);
}
