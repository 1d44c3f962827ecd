import { z } from 'zod';
import { ariSchema, logSchema, redisSchema, serverSchema, soundsSchema } from './base-schema.js';

/**
 * The whole configuration. Each concern owns the schema of its section (next to
 * its code); this file only composes them.
 */
export const configSchema = z.object({
  server: serverSchema.default(serverSchema.parse({})),
  redis: redisSchema.default(redisSchema.parse({})),
  ari: ariSchema.default(ariSchema.parse({})),
  log: logSchema.default(logSchema.parse({})),
  sounds: soundsSchema.default(soundsSchema.parse({})),
}).strict();
