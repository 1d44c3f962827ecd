import { z } from 'zod';
import { agentsConfigSchema } from '../acd/agents-config.js';
import { apiConfigSchema } from '../api/api-config.js';
import { statsConfigSchema } from '../stats/stats-config.js';
import { callbacksSectionSchema } from '../callbacks/callbacks-config.js';
import { careSectionSchema } from '../care/care-config.js';
import { customersSectionSchema } from '../customers/customers-config.js';
import { queuesConfigSchema } from '../routing/queues-config.js';
import { tiersConfigSchema } from '../routing/tiers-config.js';
import { ariSchema, instanceSchema, logSchema, promptsSchema, redisSchema, serverSchema, soundsSchema } from './base-schema.js';

/**
 * The whole configuration. Each concern owns the schema of its section (next to
 * its code); this file only composes them.
 */
export const configSchema = z.object({
  instance: instanceSchema.prefault({}),
  server: serverSchema.prefault({}),
  redis: redisSchema.prefault({}),
  ari: ariSchema.prefault({}),
  log: logSchema.prefault({}),
  sounds: soundsSchema.prefault({}),
  prompts: promptsSchema.prefault({}),
  customers: customersSectionSchema.prefault({}),
  /** The supervisor API: rate limits, body size, stream interval. */
  api: apiConfigSchema.prefault({}),
  /** Statistics: time zone of "today", short-abandon threshold. */
  stats: statsConfigSchema.prefault({}),
  /** Callbacks: dialling, retries, quiet hours. */
  callbacks: callbacksSectionSchema.prefault({}),
  /** Care after the call: follow-up surveys and complaint tickets. */
  care: careSectionSchema.prefault({}),
  /** config/tiers.yaml: value tiers, classification, transfer priority. */
  routing: tiersConfigSchema,
  /** config/queues.yaml: the skill queues. */
  queues: queuesConfigSchema,
  /** config/agents.yaml: agents known at start-up. */
  agents: agentsConfigSchema.default([]),
}).strict();
