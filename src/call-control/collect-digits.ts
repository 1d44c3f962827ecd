import { ValidationError } from '../errors.js';
import type { CallInternals } from './ari-call.js';
import type { CollectOptions, CollectResult } from './call-control.js';

const DTMF = /^[0-9A-D*#]$/;

/**
 * Reads keys: first the ones already buffered (typed ahead, or the key that
 * interrupted the last prompt), then live ones. Ends on `maxDigits`, on the
 * terminator (not included), or on a timeout: `firstKeyTimeoutMs` while no key
 * has arrived, `interKeyTimeoutMs` after each key. Keys after the end stay
 * buffered for the next step.
 */
export function collectDigits(call: CallInternals, options: CollectOptions): Promise<CollectResult> {
  const problem = checkOptions(options);
  if (problem) return Promise.reject(new ValidationError(`collect: ${problem}`, { options: { ...options, signal: undefined } }));
  if (call.gone) return Promise.resolve({ kind: 'caller-gone' });
  const terminator = options.terminator === undefined ? '#' : options.terminator;
  const { maxDigits, signal } = options;

  return new Promise<CollectResult>((resolve) => {
    let digits = '';
    let settled = false;
    let cancelTimer = () => {};
    let unwatch = () => {};

    const finish = (result: CollectResult) => {
      if (settled) return;
      settled = true;
      cancelTimer();
      unwatch();
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = () => finish({ kind: 'timeout', digits });
    const arm = () => {
      cancelTimer();
      const ms = digits === '' ? options.firstKeyTimeoutMs : options.interKeyTimeoutMs;
      cancelTimer = call.timers.start(() => finish({ kind: 'timeout', digits }), ms);
    };
    /** Takes buffered keys one at a time until input is complete. */
    const drain = (): boolean => {
      for (let key = call.takeKey(); key !== undefined; key = call.takeKey()) {
        if (terminator !== null && key === terminator) {
          finish({ kind: 'digits', digits, terminated: true });
          return true;
        }
        digits += key;
        if (digits.length >= maxDigits) {
          finish({ kind: 'digits', digits, terminated: false });
          return true;
        }
      }
      return false;
    };

    if (signal?.aborted) return finish({ kind: 'timeout', digits });
    if (drain()) return;
    unwatch = call.watch({
      key: () => {
        if (!drain()) arm();
      },
      gone: () => finish({ kind: 'caller-gone' }),
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    arm();
  });
}

function checkOptions(options: CollectOptions): string | null {
  if (!options || typeof options !== 'object') return 'options are required';
  if (!Number.isInteger(options.maxDigits) || options.maxDigits < 1) return 'maxDigits must be a whole number of at least 1';
  if (!isDuration(options.firstKeyTimeoutMs)) return 'firstKeyTimeoutMs must be a number of ms >= 0';
  if (!isDuration(options.interKeyTimeoutMs)) return 'interKeyTimeoutMs must be a number of ms >= 0';
  const t = options.terminator;
  if (t !== undefined && t !== null && !DTMF.test(t)) return 'terminator must be one DTMF key (0-9, A-D, * or #) or null';
  return null;
}

function isDuration(ms: unknown): boolean {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0;
}
