import { randomUUID } from 'node:crypto';
import { AriError } from '../ari/ari-error.js';
import { isChannelGone } from '../ari/is-channel-gone.js';
import { ValidationError } from '../errors.js';
import type { CallInternals } from './ari-call.js';
import type { PlayOptions, PlayResult } from './call-control.js';

/**
 * Plays a list of media as ONE ARI playback (`media=a,b,c`): Asterisk plays
 * them back to back, and one stop ends the whole list.
 *
 * Barge-in: a key already buffered (typed ahead) skips the prompt; a key during
 * the prompt stops it with DELETE /playbacks/{id}. The key stays buffered for
 * the next collect. We pick the playback id ourselves so the stop can be sent
 * even when the key arrives before Asterisk has answered the play request.
 */
export function playMedia(call: CallInternals, media: readonly string[], options: PlayOptions = {}): Promise<PlayResult> {
  if (!Array.isArray(media) || media.length === 0 || media.some((m) => typeof m !== 'string' || m === '')) {
    return Promise.reject(new ValidationError('play needs one or more media URIs', { media }));
  }
  if (call.gone) return Promise.resolve({ kind: 'caller-gone' });
  const bargeIn = options.bargeIn ?? true;
  const typedAhead = bargeIn ? call.peekKey() : undefined;
  if (typedAhead !== undefined) return Promise.resolve({ kind: 'interrupted', digit: typedAhead });
  const signal = options.signal;
  if (signal?.aborted) return Promise.resolve({ kind: 'finished' });

  const playbackId = randomUUID();
  return new Promise<PlayResult>((resolve, reject) => {
    let settled = false;
    /** The play request was accepted: a stop can be sent. */
    let accepted = false;
    /** The outcome decided while stopping the playback. */
    let stopping: PlayResult | null = null;

    const cleanup = () => {
      settled = true;
      unwatch();
      untrack();
      signal?.removeEventListener('abort', onAbort);
    };
    const finish = (result: PlayResult) => {
      if (settled) return;
      cleanup();
      resolve(result);
    };
    const sendStop = async () => {
      try {
        await call.client.playbacks.stop(playbackId);
      } catch (err) {
        // 404: it finished on its own meanwhile; a gone channel took its playback with it.
        if (!(err instanceof AriError && err.ariStatus === 404) && !isChannelGone(err)) {
          call.logger.warn({ err, playbackId }, 'could not stop playback');
        }
      }
      finish(call.gone ? { kind: 'caller-gone' } : stopping!);
    };
    const stopWith = (result: PlayResult) => {
      if (settled || stopping) return;
      stopping = result;
      if (accepted) void sendStop();
    };
    const onAbort = () => stopWith({ kind: 'finished' });

    const unwatch = call.watch({
      key: (digit) => {
        if (bargeIn) stopWith({ kind: 'interrupted', digit });
      },
      gone: () => finish({ kind: 'caller-gone' }),
      playback: (event) => {
        if (event.playback.id !== playbackId || event.type !== 'PlaybackFinished') return;
        if (event.playback.state === 'failed') {
          call.logger.warn({ media, playbackId }, 'playback failed (missing or unreadable media?)');
        }
        finish(stopping ?? { kind: 'finished' });
      },
      resync: () => {
        // PlaybackFinished may have been lost while the events connection was down.
        call.client.playbacks.get(playbackId).catch((err: unknown) => {
          if (err instanceof AriError && err.ariStatus === 404) finish(stopping ?? { kind: 'finished' });
        });
      },
    });
    signal?.addEventListener('abort', onAbort, { once: true });

    const request = call.client.channels.playWithId(call.id, playbackId, media, { lang: options.language });
    // Known to the call from now on, so a bridge join can stop it, even while the request is in flight.
    const untrack = call.trackPlayback(playbackId, request);
    request.then(
      () => {
        accepted = true;
        if (stopping && !settled) void sendStop();
      },
      (err: unknown) => {
        if (settled) return;
        if (call.gone || isChannelGone(err)) {
          finish({ kind: 'caller-gone' });
          return;
        }
        if (stopping) {
          // Interrupted or aborted before the prompt could start: nothing to stop.
          finish(stopping);
          return;
        }
        cleanup();
        // A timed-out request may still have started the prompt: do not let it run on.
        if (err instanceof AriError && err.code === 'ari-timeout') {
          call.client.playbacks.stop(playbackId).catch(() => {});
        }
        reject(err);
      },
    );
  });
}
