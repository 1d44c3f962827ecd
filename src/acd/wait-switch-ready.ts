import type { CallControl } from '../call-control/call-control.js';
import type { Clock } from '../time/clock.js';

/** How often the ACD looks whether the call control has become ready. */
const READY_CHECK_MS = 100;

/**
 * Resolves true once the switch connection is ready, false as soon as
 * `running()` says the ACD stopped meanwhile. The call control tells no
 * event when it becomes ready, so this looks every READY_CHECK_MS.
 */
export async function waitSwitchReady(callControl: CallControl, clock: Clock, running: () => boolean): Promise<boolean> {
  while (!callControl.ready) {
    if (!running()) return false;
    await new Promise<void>((resolve) => clock.setTimeout(resolve, READY_CHECK_MS));
  }
  return running();
}
