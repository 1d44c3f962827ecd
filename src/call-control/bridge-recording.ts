import type { AriClient } from '../ari/ari-client.js';
import { AriError } from '../ari/ari-error.js';
import type { AriEvents } from '../ari/ari-events.js';
import type { AriEvent } from '../ari/models.js';
import type { Logger } from '../log/logger.js';
import type { BridgeRecording, RecordingEnd } from './call-control.js';

/** What a bridge needs to record itself: the REST client, and the events of our app. */
export interface RecordingContext {
  client: AriClient;
  events: AriEvents;
  app: string;
  /** Called with `fn` each time the events connection is up again; returns the unsubscribe. */
  onReconnect: (fn: () => void) => () => void;
  logger: Logger;
  /** How long to wait for RecordingStarted after the 201 before taking the answer's time. Default 5000. */
  startWaitMs?: number;
}

/**
 * Starts a recording of a bridge and follows it to its end. Asterisk answers
 * 201 with the recording queued; its Recorder channel then starts it
 * (RecordingStarted) and RecordingFinished or RecordingFailed tells how it
 * ended. Those events only reach an app watching the bridge: after a
 * BridgeDestroyed, or an events connection lost meanwhile (and the recording
 * no longer live when it is back), the end is taken as finished with an
 * unknown duration, so `finished` always settles.
 */
export async function recordBridge(ctx: RecordingContext, bridgeId: string, name: string): Promise<BridgeRecording> {
  let markStarted!: (at: number) => void;
  let refuse!: (err: Error) => void;
  const started = new Promise<number>((resolve, reject) => {
    markStarted = resolve;
    refuse = reject;
  });
  // Nobody may be waiting on `started` when it is refused (a failure after the start).
  started.catch(() => {});
  let settle!: (end: RecordingEnd) => void;
  const finished = new Promise<RecordingEnd>((resolve) => {
    settle = resolve;
  });
  let over = false;
  const offs: (() => void)[] = [];
  const end = (result: RecordingEnd): void => {
    if (over) return;
    over = true;
    for (const off of offs) off();
    settle(result);
    refuse(new Error(`recording ${name} ended before it started: ${result.kind === 'failed' ? result.reason : 'finished'}`));
  };
  offs.push(ctx.events.onBridge(bridgeId, (event: AriEvent) => {
    switch (event.type) {
      case 'RecordingStarted':
        if (event.recording.name === name) markStarted(Date.now());
        return;
      case 'RecordingFinished':
        if (event.recording.name !== name) return;
        end(event.recording.state === 'canceled'
          ? { kind: 'failed', reason: 'canceled' }
          : { kind: 'finished', durationMs: typeof event.recording.duration === 'number' ? event.recording.duration * 1000 : null });
        return;
      case 'RecordingFailed':
        if (event.recording.name === name) end({ kind: 'failed', reason: event.recording.cause || 'recording failed' });
        return;
      case 'BridgeDestroyed':
        end({ kind: 'finished', durationMs: null });
        return;
      default:
        return;
    }
  }, ctx.app));
  offs.push(ctx.onReconnect(() => {
    ctx.client.recordings.getLive(name).then(
      () => {},
      (err: unknown) => {
        if (err instanceof AriError && err.ariStatus === 404) end({ kind: 'finished', durationMs: null });
      },
    );
  }));

  let answeredAt: number;
  try {
    await ctx.client.bridges.record(bridgeId, { name, format: 'wav', ifExists: 'fail' });
    answeredAt = Date.now();
  } catch (err) {
    end({ kind: 'failed', reason: (err as Error).message });
    throw err;
  }
  let timer: NodeJS.Timeout | undefined;
  const startedAt = await Promise.race([
    started,
    new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        ctx.logger.warn({ bridgeId, recording: name }, 'no RecordingStarted in time; the recording is taken as started when Asterisk answered');
        resolve(answeredAt);
      }, ctx.startWaitMs ?? 5000);
    }),
  ]).finally(() => clearTimeout(timer));

  return {
    name,
    startedAt,
    finished,
    stop: async () => {
      if (over) return;
      try {
        await ctx.client.recordings.stop(name);
      } catch (err) {
        // 404: already over; 409: not recording any more.
        if (err instanceof AriError && (err.ariStatus === 404 || err.ariStatus === 409)) return;
        throw err;
      }
    },
  };
}
