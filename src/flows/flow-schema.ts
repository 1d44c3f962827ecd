import { z } from 'zod';

/**
 * Flows are data: each flow is a map of named steps, each step one of a few
 * kinds. The whole set is validated at start-up (schema here, graph and prompt
 * checks in validate-flows.ts) so a broken menu never reaches a caller.
 */

const stepId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'step ids are kebab-case');
const promptIds = z.array(z.string().min(1)).min(1);

/** Where to go next: a step of this flow, or `flow:step` of another flow. */
export const target = z.string().regex(/^([a-z0-9][a-z0-9-]*:)?[a-z0-9][a-z0-9-]*$/, 'a target is "step" or "flow:step"');

export const needSchema = z.enum(['billing', 'broadband', 'orders', 'complaints', 'enterprise', 'general', 'senior']);

const playStep = z.object({
  kind: z.literal('play'),
  prompts: promptIds,
  /** Keys may skip this prompt (they stay buffered for the next menu). */
  bargeIn: z.boolean().default(true),
  next: target,
}).strict();

/**
 * The caller's tier greeting. Which prompt it is lives in the tier policy
 * (tunable at run time, checked against the manifest there), so a supervisor
 * can change a tier's greeting without touching its flow.
 */
const greetingStep = z.object({
  kind: z.literal('greeting'),
  /** Keys may skip the greeting (they stay buffered for the menu). */
  bargeIn: z.boolean().default(true),
  next: target,
}).strict();

const menuKey = z.string().regex(/^[0-9*#]$/, 'menu keys are single digits, * or #');

const menuOption = z.object({
  next: target,
  /** Label written in the call record and the caller's context ("billing", "balance"). */
  label: z.string().min(1).optional(),
  /**
   * The option said on its own ("for billing, press 1"). Options with a prompt
   * are read in `order`, so the most used choice can come first and a caller
   * who wants it presses its key after one short sentence.
   */
  prompt: z.string().min(1).optional(),
}).strict();

const menuStep = z.object({
  kind: z.literal('menu'),
  /** Played before the options' own prompts (a menu said in one sentence has only these). */
  prompts: z.array(z.string().min(1)).default([]),
  /** Single keys 0-9, * or # mapped to where they lead. */
  options: z.record(menuKey, menuOption),
  /** The keys whose option prompts are read, in this order (default: as `options` lists them). */
  order: z.array(menuKey).optional(),
  /** Played after the options' prompts ("to hear these options again, press star"). */
  closing: z.array(z.string().min(1)).default([]),
  firstKeyTimeoutMs: z.number().int().positive().optional(),
  retries: z.number().int().min(0).max(5).optional(),
  /** Where silence leads instead of a retry (diamond menu: hold on → senior queue). */
  onNoInput: target.optional(),
  /** Where the caller goes when retries run out (default: the flow's onExhausted). */
  onExhausted: target.optional(),
}).strict();

const collectStep = z.object({
  kind: z.literal('collect'),
  prompts: promptIds,
  /** Session variable receiving the digits. */
  into: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
  minDigits: z.number().int().min(1).default(1),
  maxDigits: z.number().int().min(1).max(32),
  next: target,
  onExhausted: target.optional(),
  retries: z.number().int().min(0).max(5).optional(),
}).strict();

const timeoutMs = z.number().int().positive();

/**
 * Asks for one key: the prompts, then a key mapped to where it leads. A key
 * not in `options` or silence counts as a failed attempt: the matching retry
 * prompts are played (after the last attempt too: "we did not hear you"
 * before the goodbye), then the question again until `attempts` run out, then
 * `otherwise`. Unlike a menu, `*` and `0` mean nothing special and nothing is
 * written to the call record.
 */
const askStep = z.object({
  kind: z.literal('ask'),
  prompts: promptIds,
  bargeIn: z.boolean().default(true),
  options: z.record(z.string().regex(/^[0-9*#]$/, 'keys are single digits, * or #'), target),
  /** Session variable receiving the key chosen. */
  into: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/).optional(),
  firstKeyTimeoutMs: timeoutMs,
  interKeyTimeoutMs: timeoutMs,
  attempts: z.number().int().min(1).max(5).default(1),
  noInputPrompts: z.array(z.string().min(1)).default([]),
  invalidPrompts: z.array(z.string().min(1)).default([]),
  otherwise: target,
}).strict();

/**
 * A phone number typed by the caller (ended by `#` or the maximum length),
 * read back and confirmed with one key. Too short: the invalid prompts and
 * another attempt; not confirmed: another attempt. The number is stored in a
 * session variable.
 */
const enterNumberStep = z.object({
  kind: z.literal('enter-number'),
  prompts: promptIds,
  into: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
  minDigits: z.number().int().min(1),
  maxDigits: z.number().int().min(1).max(32),
  firstKeyTimeoutMs: timeoutMs,
  interKeyTimeoutMs: timeoutMs,
  invalidPrompts: promptIds,
  /** Played before and after the number read back digit by digit. */
  readBackBefore: promptIds,
  readBackAfter: promptIds,
  confirmKey: z.string().regex(/^[0-9*#]$/),
  confirmFirstKeyTimeoutMs: timeoutMs,
  confirmInterKeyTimeoutMs: timeoutMs,
  attempts: z.number().int().min(1).max(5),
  next: target,
  onExhausted: target,
}).strict();

/**
 * Speaks an amount of money kept in a session variable (a payment reminder's
 * amount due, set by the campaign that placed the call) after its lead-in
 * prompts, with the amount speech of self-service. A variable that is missing
 * or not a number skips the amount and goes on.
 */
const sayAmountStep = z.object({
  kind: z.literal('say-amount'),
  prompts: promptIds,
  /** Session variable holding the amount in yuan, e.g. "12.50". */
  var: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
  bargeIn: z.boolean().default(true),
  next: target,
}).strict();

/** Branches on whether the caller withheld their number. */
const withheldNumberStep = z.object({
  kind: z.literal('withheld-number'),
  withheld: target,
  otherwise: target,
}).strict();

/**
 * Ends a dialogue flow, handing `result` back to the code that ran it (the
 * hold experience books the callback, the survey records the answer).
 */
const doneStep = z.object({
  kind: z.literal('done'),
  result: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
}).strict();

const verifyPasswordStep = z.object({
  kind: z.literal('verify-password'),
  /** Wait for the first digit of the password: callers look it up, so longer than a menu's. */
  firstKeyTimeoutMs: timeoutMs,
  /** Reached when the password is correct, or was already verified earlier in the call. */
  next: target,
  /** Reached when the password is locked (now or by this attempt). */
  onLocked: target,
  /** Reached when the password cannot be checked: none is set, or the backend is down. */
  onUnavailable: target,
  /** Reached when the caller is not a known customer. */
  onUnknownCustomer: target,
}).strict();

export const queryItem = z.enum(['balance', 'bill-this-month', 'bill-last-month', 'points', 'orders']);

const queryStep = z.object({
  kind: z.literal('query'),
  item: queryItem,
  next: target,
  /** The backend failed or timed out: the caller hears "temporarily unavailable" there. */
  onUnavailable: target,
  /** The caller is not a known customer. */
  onUnknownCustomer: target,
}).strict();

export const sayFormat = z.enum(['balance', 'bill', 'points', 'orders']);

const sayStep = z.object({
  kind: z.literal('say'),
  /** Which query result to speak and how (the renderer composes word prompts). */
  value: sayFormat,
  next: target,
}).strict();

const transferStep = z.object({
  kind: z.literal('transfer'),
  /** The identified need; null = unidentified → general agents (rule 2). */
  need: needSchema.nullable(),
}).strict();

/**
 * Queues the caller at once and lets an agent be rung while the tier greeting
 * and a short menu play (the greeting is cut when the agent answers). A key of
 * `options` pressed during the greeting, or within the first-key time after
 * it, takes the call back out of the queue — an agent being rung is released
 * without penalty — and on to its target.
 */
const queueAtOnceStep = z.object({
  kind: z.literal('queue-at-once'),
  need: needSchema.nullable(),
  /** Played after the tier greeting while the call waits. */
  prompts: z.array(z.string().min(1)).default([]),
  options: z.record(menuKey, menuOption),
  firstKeyTimeoutMs: z.number().int().positive().optional(),
}).strict();

const hangupStep = z.object({
  kind: z.literal('hangup'),
  prompts: z.array(z.string().min(1)).default([]),
  outcome: z.enum(['self-service', 'goodbye']).default('goodbye'),
}).strict();

const gotoStep = z.object({
  kind: z.literal('goto'),
  target,
}).strict();

export const stepSchema = z.discriminatedUnion('kind', [
  playStep, greetingStep, menuStep, collectStep, verifyPasswordStep, queryStep, sayStep, transferStep, queueAtOnceStep, hangupStep, gotoStep,
  askStep, enterNumberStep, withheldNumberStep, doneStep, sayAmountStep,
]);

/** The step kinds a dialogue flow may use: they need the caller's line and nothing else. */
export const DIALOGUE_STEP_KINDS = ['play', 'ask', 'enter-number', 'withheld-number', 'goto', 'done', 'say-amount'] as const;
export type DialogueStepKind = typeof DIALOGUE_STEP_KINDS[number];

export const flowSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  description: z.string().min(1),
  /**
   * `call`: a caller's path through the IVR, ended by a transfer or a hang-up.
   * `dialogue`: a conversation another part of the service holds on a line
   * (the callback offer, the survey), ended by a `done` step whose result
   * goes back to it.
   */
  runs: z.enum(['call', 'dialogue']).default('call'),
  start: stepId,
  /** Default for menus whose retries run out. */
  onExhausted: target,
  /** Where `0` leads from any menu of this flow (a human). */
  onZero: target,
  /** Defaults for menus (README, "How a call is served"): 5 s first key, 3 s between keys, 2 retries. */
  firstKeyTimeoutMs: z.number().int().positive().default(5000),
  interKeyTimeoutMs: z.number().int().positive().default(3000),
  retries: z.number().int().min(0).max(5).default(2),
  noInputPrompts: promptIds.default(['common/no-input']),
  invalidPrompts: promptIds.default(['common/invalid-choice']),
  steps: z.record(stepId, stepSchema),
}).strict();

export type FlowInput = z.input<typeof flowSchema>;
export type Flow = z.output<typeof flowSchema>;
export type Step = z.output<typeof stepSchema>;
export type StepKind = Step['kind'];
export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;
export type QueryItem = z.output<typeof queryItem>;
export type SayFormat = z.output<typeof sayFormat>;
