import { ControlClosedError } from './control-queue.js';
import type { SimChannel } from './sim-channel.js';
import type { SimSwitch } from './sim-switch.js';

export interface DtmfTiming {
  before: number;
  between: number;
  duration: number;
  after: number;
}

/**
 * POST /channels/{id}/dtmf: the digits are streamed from the channel's command
 * queue (ast_dtmf_stream) and the request answers 204 at once. Each key is a
 * tone of `duration` ms followed by `between` ms of silence; the far end sees it
 * when the tone ends. On a Local channel the far end is the other half, where
 * it arrives as ChannelDtmfReceived — and is lost for an app that has not yet
 * got the channel (StasisStart). `w` waits 0.5 s and `W` 1 s, as in Asterisk.
 */
export function sendDtmf(sw: SimSwitch, channel: SimChannel, digits: string, timing: DtmfTiming): void {
  const duration = timing.duration > 0 ? timing.duration : 100;
  const between = timing.between > 0 ? timing.between : 100;
  channel.control
    .run(async (signal) => {
      if (!(await sw.clock.sleep(Math.max(0, timing.before), signal))) return;
      for (const key of digits) {
        if (key === 'w' || key === 'W') {
          if (!(await sw.clock.sleep(key === 'w' ? 500 : 1000, signal))) return;
          continue;
        }
        if (!/^[0-9A-Da-d*#]$/.test(key)) continue;
        if (!(await sw.clock.sleep(duration, signal))) return;
        const farEnd = channel.peer;
        if (farEnd) sw.channels.receiveDtmf(farEnd, key.toUpperCase(), duration);
        if (!(await sw.clock.sleep(between, signal))) return;
      }
      await sw.clock.sleep(Math.max(0, timing.after), signal);
    })
    .catch((err: unknown) => {
      if (!(err instanceof ControlClosedError)) sw.log(`DTMF on ${channel.name} failed: ${(err as Error).message}`);
    });
}
