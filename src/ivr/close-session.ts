import type { Logger } from 'pino';
import type { Call } from '../call-control/call-control.js';
import type { CallRecordLog } from '../call-records/call-record-log.js';
import { mediaUri } from '../prompts/prompt-manifest.js';
import type { Lang } from '../prompts/spoken.js';
import type { CallSession, SessionEnd } from './call-session.js';
import { recordSafely } from './step-context.js';

/**
 * After a failure: the apology, then the hang-up, each tried on its own, so
 * a switch that fails the prompt still gets asked to free the line. Never
 * throws: what follows (closing the record) must run whatever the switch does.
 */
export async function apologiseAndHangUp(call: Call, lang: Lang, log: Logger): Promise<void> {
  if (call.gone) return;
  try {
    await call.play([mediaUri('common/service-unavailable'), mediaUri('common/goodbye')], { bargeIn: false, language: lang });
  } catch (err) {
    log.warn({ err }, 'the apology could not be played');
  }
  try {
    await call.hangup('normal');
  } catch (err) {
    log.error({ err }, 'the call could not be hung up after a failure');
  }
}

/**
 * Writes the call's `ended` once: not when the ACD has written it (`end.recorded`),
 * nor a second time for the same session. A failed write is logged.
 */
export async function closeRecord(recorder: CallRecordLog, session: CallSession, end: SessionEnd, durationMs: number): Promise<void> {
  if (end.recorded || session.recordClosed) return;
  session.recordClosed = true;
  await recordSafely(recorder, session, { type: 'ended', outcome: end.outcome, durationMs });
}
