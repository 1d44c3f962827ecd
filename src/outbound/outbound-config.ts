import { z } from 'zod';
import { intField } from '../routing/config-fields.js';
import { quietHoursSchema } from '../time/quiet-hours-schema.js';

/** How calls to customers are placed: by callbacks and by the care after the call. */
export const outboundSchema = z.object({
  /** Dial string of a customer's phone; {number} is replaced by the digits, e.g. PJSIP/{number}@trunk. */
  dialTemplate: z.string().regex(/^[^\s,/]+\/[^\s,]*\{number\}[^\s,]*$/, 'must be a dial string with {number}, e.g. PJSIP/{number}@trunk').default('PJSIP/{number}@trunk'),
  /** Caller id the customer sees: the hotline's number. */
  callerId: z.string().regex(/^\+?\d{1,20}$/, 'must be a phone number').default('10000'),
  /** How long a customer's phone rings before the attempt counts as not answered. */
  ringSec: intField(5, 120).default(30),
  quietHours: quietHoursSchema.nullable().prefault({}),
}).strict();

export type OutboundConfig = z.infer<typeof outboundSchema>;
