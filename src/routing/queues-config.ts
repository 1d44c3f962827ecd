import { z } from 'zod';
import { mergeDefaults, isPlainObject } from './merge-defaults.js';
import { NEEDS } from './needs.js';
import { DEFAULT_QUEUE_OVERRIDES, genericQueueSettings } from './queue-defaults.js';
import { queueSettingsSchema } from './queue-settings.js';

/** Every shipped queue with its defaults, then any further queue, each key laid over its defaults. */
function withDefaults(value: unknown): unknown {
  if (value !== undefined && !isPlainObject(value)) return value;
  const given = value ?? {};
  const out: Record<string, unknown> = {};
  for (const id of new Set([...Object.keys(DEFAULT_QUEUE_OVERRIDES), ...Object.keys(given)])) {
    const defaults = { ...genericQueueSettings(id), ...DEFAULT_QUEUE_OVERRIDES[id] };
    out[id] = mergeDefaults(defaults, given[id]);
  }
  return out;
}

/**
 * The `queues:` section (config/queues.yaml): a map from queue id to its
 * settings. Every need has a queue of the same id; overflow skills must be
 * served by some queue.
 */
export const queuesConfigSchema = z.preprocess(
  withDefaults,
  z.record(z.string(), queueSettingsSchema).superRefine((queues, ctx) => {
    const skills = new Set(Object.values(queues).map((q) => q.skill));
    for (const [key, queue] of Object.entries(queues)) {
      if (queue.id !== key) {
        ctx.addIssue({ code: 'custom', path: [key, 'id'], message: `id ${JSON.stringify(queue.id)} differs from its key ${JSON.stringify(key)}` });
      }
      if (queue.overflowAfterSec === null) continue;
      if (!skills.has(queue.overflowSkill)) {
        ctx.addIssue({
          code: 'custom',
          path: [key, 'overflowSkill'],
          message: `no queue has skill ${JSON.stringify(queue.overflowSkill)} (skills: ${[...skills].join(', ')})`,
        });
      } else if (queue.overflowSkill === queue.skill) {
        ctx.addIssue({
          code: 'custom',
          path: [key, 'overflowSkill'],
          message: `overflow to the queue's own skill widens nothing; set overflowAfterSec to null instead`,
        });
      }
    }
    for (const need of NEEDS) {
      if (!(need in queues)) {
        ctx.addIssue({ code: 'custom', path: [need], message: `the ${need} need has no queue` });
      }
    }
  }),
);

export type QueuesConfig = z.infer<typeof queuesConfigSchema>;

/** The shipped `queues:` section; config/queues.yaml states the same values. */
export const defaultQueuesConfig: QueuesConfig = queuesConfigSchema.parse(undefined);
