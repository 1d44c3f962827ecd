import { BackendUnavailableError } from '../../customers/customer-data.js';
import type { StepOf } from '../../flows/flow-schema.js';
import type { StepResult } from '../call-session.js';
import { CALLER_GONE, record, type StepContext } from '../step-context.js';
import { playPrompts, scaled } from '../../flows/dialogue-context.js';

const PIN_LENGTH = 6;
/** Room for the terminating #, so it is not left over as the next menu's key. */
const PIN_INPUT_MAX = PIN_LENGTH + 1;

/**
 * The 6-digit service password, asked at most once per call. Wrong attempts
 * are counted in Redis by PasswordGuard (shared by every instance); the PIN is
 * never logged or recorded.
 */
export async function verifyPasswordStep(step: StepOf<'verify-password'>, ctx: StepContext): Promise<StepResult> {
  const { session, services, flow } = ctx;
  if (session.passwordVerified) return { next: step.next };
  const customer = session.customer;
  if (!customer) return { next: session.recognition === 'unavailable' ? step.onUnavailable : step.onUnknownCustomer };
  if (!customer.passwordHash) return { next: step.onUnavailable };

  let silent = 0;
  let lead: readonly string[] = [];
  try {
    for (;;) {
      if ((await services.passwords.lockedFor(customer.accountId)) > 0) {
        await record(ctx, { type: 'password', result: 'locked' });
        return { next: step.onLocked };
      }
      const played = await playPrompts(ctx, [...lead, 'pw/enter']);
      if (played.kind === 'caller-gone') return CALLER_GONE;
      const got = await session.call.collect({
        maxDigits: PIN_INPUT_MAX,
        terminator: '#',
        firstKeyTimeoutMs: scaled(ctx, step.firstKeyTimeoutMs),
        interKeyTimeoutMs: scaled(ctx, flow.interKeyTimeoutMs),
      });
      if (got.kind === 'caller-gone') return CALLER_GONE;
      if (got.digits === '') {
        if (++silent > flow.retries) return { next: flow.onExhausted };
        lead = flow.noInputPrompts;
        continue;
      }
      const check = await services.passwords.check(customer.accountId, got.digits);
      await record(ctx, { type: 'password', result: check.result });
      session.log.info({ result: check.result }, 'service password checked');
      if (check.result === 'ok') {
        session.passwordVerified = true;
        return { next: step.next };
      }
      if (check.result === 'locked') return { next: step.onLocked };
      lead = ['pw/wrong'];
    }
  } catch (err) {
    // Redis or the CRM failed: say so and offer a human rather than leave silence.
    session.log.warn({ err: (err as Error).message, backend: err instanceof BackendUnavailableError }, 'password check unavailable');
    return { next: step.onUnavailable };
  }
}
