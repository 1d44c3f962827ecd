import type { CallerID, Endpoint } from '../ari/models.js';
import type { AgentBehaviour } from './agent-behaviour.js';
import type { OutboundDial } from './outbound-dial.js';
import type { SimChannel } from './sim-channel.js';
import type { SimSwitch } from './sim-switch.js';

/** A busy or unreachable phone answers the INVITE within tens of milliseconds. */
const QUICK_FAILURE_MS = 100;
/** A key every 200 ms, each tone lasting 100 ms (as POST /channels/{id}/dtmf does by default). */
const KEY_MS = 200;
const KEY_TONE_MS = 100;

/** What asterisk/pjsip.conf gives every agent endpoint ([agent-endpoint] template). */
const AGENT_ENDPOINT = { context: 'agents-out', language: 'zh' } as const;

/**
 * The simulated agent phones (PJSIP endpoints) and how each reacts when
 * dialled. A script set for resource `1001` applies to PJSIP/1001 and, through
 * the `agents` dialplan, to Local/1001@agents; endpoints without a script
 * behave as the default agent. A number dialled through a trunk
 * (PJSIP/13800000001@trunk) is the phone scripted as `13800000001`.
 */
export class EndpointDirectory {
  private readonly scripts = new Map<string, AgentBehaviour>();
  private readonly seen = new Set<string>();

  constructor(
    private readonly sw: SimSwitch,
    private readonly defaultAgent: AgentBehaviour,
  ) {}

  /** A new outbound channel to agent phone `resource` (state Down, in the endpoint's context and language). */
  createChannel(resource: string, caller: CallerID, connected: CallerID, id?: string): SimChannel {
    return this.sw.channels.create({
      id: id || this.sw.channels.newId(),
      name: this.sw.channels.newName('PJSIP', resource),
      state: 'Down',
      caller,
      connected,
      language: AGENT_ENDPOINT.language,
      dialplan: { context: AGENT_ENDPOINT.context, exten: 's', priority: 1, app_name: '', app_data: '' },
      endpoint: { technology: 'PJSIP', resource },
    });
  }

  setAgent(resource: string, behaviour: AgentBehaviour): void {
    this.scripts.set(resource, behaviour);
  }

  behaviourOf(resource: string): AgentBehaviour {
    return this.scripts.get(resource) ?? this.scripts.get(resource.split('@')[0] ?? resource) ?? this.defaultAgent;
  }

  /** Plays the phone's part once its channel is being dialled. */
  ring(channel: SimChannel, dial: OutboundDial, resource: string): void {
    this.seen.add(resource);
    const behaviour = this.behaviourOf(resource);
    const later = (ms: number, fn: () => void) => {
      const cancel = this.sw.clock.after(ms, () => {
        if (!channel.gone) fn();
      });
      channel.signal.addEventListener('abort', cancel, { once: true });
    };
    switch (behaviour.kind) {
      case 'answer':
        this.sw.channels.setState(channel, 'Ringing');
        later(behaviour.afterMs, () => {
          dial.answer();
          const talk = behaviour.hangupAfterMs;
          if (talk !== undefined) later(talk, () => this.sw.channels.hangup(channel, 16, 'remote'));
          if (behaviour.keys) this.pressKeys(channel, behaviour.keys, later);
        });
        break;
      case 'no-answer':
        this.sw.channels.setState(channel, 'Ringing');
        break;
      case 'busy':
        later(QUICK_FAILURE_MS, () => this.sw.channels.hangup(channel, 17, 'remote'));
        break;
      case 'unreachable':
        later(QUICK_FAILURE_MS, () => this.sw.channels.hangup(channel, 20, 'remote'));
        break;
    }
  }

  /** The person at the phone presses keys once it answered: one key every 200 ms, `w` waits 0.5 s and `W` 1 s. */
  private pressKeys(channel: SimChannel, keys: string, later: (ms: number, fn: () => void) => void): void {
    let at = 0;
    for (const key of keys) {
      if (key === 'w' || key === 'W') {
        at += key === 'w' ? 500 : 1000;
        continue;
      }
      at += KEY_MS;
      later(at, () => this.sw.channels.receiveDtmf(channel, key.toUpperCase(), KEY_TONE_MS));
    }
  }

  /** GET /endpoints and /endpoints/PJSIP: the scripted phones and those dialled so far. */
  list(): Endpoint[] {
    const resources = new Set([...this.scripts.keys(), ...this.seen]);
    return [...resources].sort().map((resource) => this.endpoint(resource));
  }

  /** Any PJSIP resource exists (the default agent answers it); other technologies have no endpoints here. */
  get(technology: string, resource: string): Endpoint | null {
    return technology.toUpperCase() === 'PJSIP' ? this.endpoint(resource) : null;
  }

  private endpoint(resource: string): Endpoint {
    const channelIds = this.sw.channels
      .list()
      .filter((c) => c.endpoint?.resource === resource && c.endpoint.technology === 'PJSIP')
      .map((c) => c.id);
    return {
      technology: 'PJSIP',
      resource,
      state: this.behaviourOf(resource).kind === 'unreachable' ? 'offline' : 'online',
      channel_ids: channelIds,
    };
  }
}
