import { dialStatusFor } from './hangup-causes.js';
import { OutboundDial } from './outbound-dial.js';
import type { SimChannel } from './sim-channel.js';
import type { SimSwitch } from './sim-switch.js';

export interface DialplanLocation {
  context: string;
  exten: string;
  priority: number;
}

type StepResult = { kind: 'next' } | { kind: 'goto'; location: DialplanLocation } | { kind: 'stop' };

interface Step {
  app: string;
  /** The application data after variable substitution (what ChannelDialplan shows). */
  data(channel: SimChannel, exten: string): string;
  run(channel: SimChannel, data: string): Promise<StepResult>;
}

/** Answer() waits up to this long for media before the next priority runs. */
const ANSWER_MEDIA_WAIT_MS = 500;

/**
 * The simulator's dialplan, mirroring asterisk/extensions.conf:
 *
 *   [from-external] 10000, 10001: NoOp → Answer() → Stasis(<app>,${EXTEN}) → Hangup()
 *   [agents] _1XXX: Dial(PJSIP/${EXTEN},30) → Hangup()
 *
 * It runs on the `;2` half of a Local channel (and on any channel sent back to
 * the dialplan with /continue). Stasis() into an app without a WebSocket fails
 * at once, sets STASISSTATUS=FAILED and the call goes on to Hangup().
 */
export class Dialplan {
  private readonly contexts: Record<string, Array<{ pattern: string; steps: Step[] }>>;

  constructor(
    private readonly sw: SimSwitch,
    stasisApp: string,
  ) {
    const hotline: Step[] = [
      { app: 'NoOp', data: (c, e) => `Hotline ${e} call from ${c.caller.number}`, run: async () => ({ kind: 'next' }) },
      { app: 'Answer', data: () => '', run: (c) => this.answer(c) },
      { app: 'Stasis', data: (_c, e) => `${stasisApp},${e}`, run: (c, d) => this.stasis(c, d) },
      { app: 'Hangup', data: () => '', run: (c, d) => this.hangup(c, d) },
    ];
    this.contexts = {
      'from-external': [
        { pattern: '10000', steps: hotline },
        { pattern: '10001', steps: hotline },
      ],
      agents: [
        {
          pattern: '_1XXX',
          steps: [
            { app: 'Dial', data: (_c, e) => `PJSIP/${e},30`, run: (c, d) => this.dial(c, d) },
            { app: 'Hangup', data: () => '', run: (c, d) => this.hangup(c, d) },
          ],
        },
      ],
    };
  }

  exists(context: string, exten: string): boolean {
    return this.steps(context, exten) !== null;
  }

  /** Runs the channel through the dialplan from `location` until it hangs up or enters Stasis for good. */
  run(channel: SimChannel, location: DialplanLocation): void {
    this.execute(channel, location).catch((err: unknown) => {
      this.sw.log(`dialplan on ${channel.name} failed: ${(err as Error).message}`);
      this.sw.channels.hangup(channel, 16, 'none');
    });
  }

  private async execute(channel: SimChannel, start: DialplanLocation): Promise<void> {
    let location = start;
    while (!channel.gone) {
      const step = this.steps(location.context, location.exten)?.[location.priority - 1];
      if (!step) {
        // No such extension, or past the last priority: the PBX hangs the channel up.
        this.sw.channels.hangup(channel, channel.pendingCause ?? 16, 'none');
        return;
      }
      const data = step.data(channel, location.exten);
      this.sw.channels.setLocation(channel, location, step.app, data);
      const result = await step.run(channel, data);
      if (result.kind === 'stop') return;
      location = result.kind === 'goto' ? result.location : { ...location, priority: location.priority + 1 };
    }
  }

  private async answer(channel: SimChannel): Promise<StepResult> {
    if (channel.state === 'Up') return { kind: 'next' };
    this.sw.channels.setState(channel, 'Up');
    // Answering the ;2 half answers the ;1 half the originator is waiting on.
    channel.peer?.pendingDial?.answer();
    await this.sw.clock.sleep(ANSWER_MEDIA_WAIT_MS, channel.signal);
    return { kind: 'next' };
  }

  private async stasis(channel: SimChannel, data: string): Promise<StepResult> {
    const [app = '', ...args] = data.split(',');
    const exit = this.sw.channels.enterStasis(channel, app, args);
    if (!exit) {
      this.sw.log(`Stasis app '${app}' not active: ${channel.name} continues in the dialplan`);
      this.sw.channels.setVariable(channel, 'STASISSTATUS', 'FAILED');
      return { kind: 'next' };
    }
    const result = await exit;
    if (result.kind === 'gone' || channel.gone) return { kind: 'stop' };
    this.sw.channels.setVariable(channel, 'STASISSTATUS', 'SUCCESS');
    return { kind: 'goto', location: { context: result.context, exten: result.exten, priority: result.priority } };
  }

  private async hangup(channel: SimChannel, data: string): Promise<StepResult> {
    const cause = Number.parseInt(data, 10);
    this.sw.channels.hangup(channel, Number.isFinite(cause) ? cause : channel.pendingCause ?? 16, 'soft');
    return { kind: 'stop' };
  }

  /** Dial(PJSIP/<resource>,<seconds>): rings the agent; on answer the two stay connected until one hangs up. */
  private dial(channel: SimChannel, data: string): Promise<StepResult> {
    const [target = '', seconds = ''] = data.split(',');
    const slash = target.indexOf('/');
    const resource = target.slice(slash + 1);
    const timeoutSec = Number.parseInt(seconds, 10);
    const leg = this.sw.endpoints.createChannel(resource, channel.caller, channel.connected);
    return new Promise<StepResult>((resolve) => {
      const onCallerGone = () => this.sw.channels.hangup(leg, channel.pendingCause ?? 16, 'soft');
      channel.signal.addEventListener('abort', onCallerGone, { once: true });
      const dial = new OutboundDial(this.sw, leg, {
        dialstring: resource,
        caller: channel,
        timeoutMs: Number.isFinite(timeoutSec) && timeoutSec > 0 ? timeoutSec * 1000 : null,
        onAnswer: () => {
          channel.signal.removeEventListener('abort', onCallerGone);
          // Dial() answers the caller and bridges the two: from now on each hangs up with the other.
          leg.links.add(channel);
          channel.links.add(leg);
          this.sw.channels.setState(channel, 'Up');
          channel.peer?.pendingDial?.answer();
          this.sw.channels.setVariable(channel, 'DIALSTATUS', 'ANSWER');
          resolve({ kind: 'stop' });
        },
        onFailure: (cause) => {
          channel.signal.removeEventListener('abort', onCallerGone);
          if (channel.gone) {
            resolve({ kind: 'stop' });
            return;
          }
          channel.pendingCause = cause;
          this.sw.channels.setVariable(channel, 'DIALSTATUS', dialStatusFor(cause));
          resolve({ kind: 'next' });
        },
      });
      dial.start();
      this.sw.endpoints.ring(leg, dial, resource);
    });
  }

  private steps(context: string, exten: string): Step[] | null {
    const entry = this.contexts[context]?.find((e) => matches(e.pattern, exten));
    return entry?.steps ?? null;
  }
}

/** Asterisk extension patterns: `_` then X (0-9), Z (1-9), N (2-9), [set], `.` (one or more), `!` (zero or more). */
export function matches(pattern: string, exten: string): boolean {
  if (!pattern.startsWith('_')) return pattern === exten;
  let regex = '';
  const body = pattern.slice(1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] ?? '';
    if (ch === 'X' || ch === 'x') regex += '[0-9]';
    else if (ch === 'Z' || ch === 'z') regex += '[1-9]';
    else if (ch === 'N' || ch === 'n') regex += '[2-9]';
    else if (ch === '.') regex += '.+';
    else if (ch === '!') regex += '.*';
    else if (ch === '[') {
      const end = body.indexOf(']', i);
      if (end < 0) return false;
      regex += `[${body.slice(i + 1, end).replace(/[\\^]/g, '\\$&')}]`;
      i = end;
    } else regex += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${regex}$`).test(exten);
}
