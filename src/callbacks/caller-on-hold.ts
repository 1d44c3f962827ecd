import type { Lang } from '../prompts/spoken.js';
import type { CallerContextSource } from '../routing/caller-context-of.js';

/**
 * A caller waiting in a queue who asks to be called back, as the callbacks
 * need to see them: who they are and what they asked so far (kept for the
 * agent), their language, and when their call arrived. The IVR's call session
 * is one; the service wiring hands it over.
 */
export interface CallerOnHold extends CallerContextSource {
  readonly lang: Lang;
  /** When the call arrived (ms since the epoch): a callback keeps the call's place. */
  readonly arrivedAt: number;
}
