import { AriHttpError, badRequest } from './ari-http-error.js';
import { parseCallerId } from './caller-id.js';
import { OutboundDial } from './outbound-dial.js';
import type { SimChannel } from './sim-channel.js';
import type { SimSwitch } from './sim-switch.js';

export interface OriginateParams {
  endpoint?: string;
  app?: string;
  appArgs?: string;
  extension?: string;
  context?: string;
  priority?: number;
  callerId?: string;
  /** Seconds; -1 rings forever; 0 or absent means Asterisk's default of 30. */
  timeout?: number;
  channelId?: string;
  otherChannelId?: string;
  variables?: Record<string, string>;
}

/** AST_MAX_PUBLIC_UNIQUEID */
const MAX_UNIQUEID_LENGTH = 149;
const DEFAULT_DIAL_TIMEOUT_SEC = 30;

/**
 * POST /channels: creates the channel at once and answers with its snapshot
 * (state Down), then dials it in the background like ari_originate_dial. When
 * it answers it enters the Stasis app given (StasisStart with appArgs), or runs
 * the dialplan at extension/context/priority. The originating app is
 * subscribed to the new channel at once, and to both halves of a Local channel.
 *
 * Technologies: Local (`Local/<exten>@<context>`, whose ;2 half runs the
 * simulator's dialplan) and PJSIP (the simulated agent phones).
 */
export class Originator {
  constructor(private readonly sw: SimSwitch) {}

  originate(params: OriginateParams): SimChannel {
    for (const id of [params.channelId, params.otherChannelId]) {
      if (id && id.length > MAX_UNIQUEID_LENGTH) throw badRequest(`Uniqueid length exceeds maximum of ${MAX_UNIQUEID_LENGTH}`);
    }
    if (!params.endpoint) throw badRequest('Endpoint must be specified');
    if (!params.app && !params.extension) throw badRequest('Application or extension must be specified');
    const slash = params.endpoint.indexOf('/');
    const technology = slash > 0 ? params.endpoint.slice(0, slash) : '';
    const resource = slash > 0 ? params.endpoint.slice(slash + 1) : '';
    if (!technology || !resource) throw badRequest('Invalid endpoint specified', { endpoint: params.endpoint });
    for (const [name, value] of Object.entries(params.variables ?? {})) {
      if (typeof value !== 'string') throw badRequest("Only string values in the 'variables' object allowed", { variable: name });
    }
    switch (technology.toLowerCase()) {
      case 'local':
        return this.local(resource, params);
      case 'pjsip':
        return this.pjsip(resource, params);
      default:
        // ast_request() finds no such channel driver; ARI reports it as an allocation failure.
        throw new AriHttpError(500, 'no-such-technology', 'Allocation failed', { endpoint: params.endpoint });
    }
  }

  private local(resource: string, params: OriginateParams): SimChannel {
    const target = resource.split('/')[0] ?? resource; // drop Local channel options such as /n
    const at = target.lastIndexOf('@');
    const exten = at >= 0 ? target.slice(0, at) : target;
    const context = at >= 0 ? target.slice(at + 1) || 'default' : 'default';
    const cid = parseCallerId(params.callerId);
    const name = this.sw.channels.newName('Local', `${exten}@${context}`);
    const one = this.sw.channels.create({
      id: params.channelId || this.sw.channels.newId(),
      name: `${name};1`,
      state: 'Down',
      caller: cid,
      dialplan: { context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' },
    });
    let two: SimChannel;
    try {
      two = this.sw.channels.create({
        id: params.otherChannelId || this.sw.channels.newId(),
        name: `${name};2`,
        state: 'Ring',
        caller: cid,
        dialplan: { context, exten, priority: 1, app_name: '', app_data: '' },
      });
    } catch (err) {
      this.sw.channels.hangup(one, 16, 'none');
      throw err;
    }
    one.peer = two;
    two.peer = one;
    one.links.add(two);
    two.links.add(one);
    this.prepare(one, params);
    if (params.app) this.sw.hub.subscribeChannel(params.app, two.id);
    setImmediate(() => {
      if (one.gone) return;
      this.dial(one, `${exten}@${context}`, params);
      // The ;2 half runs the dialplan; answering it answers ;1.
      this.sw.dialplan.run(two, { context, exten, priority: 1 });
    });
    return one;
  }

  private pjsip(resource: string, params: OriginateParams): SimChannel {
    const cid = parseCallerId(params.callerId);
    const channel = this.sw.endpoints.createChannel(resource, cid, cid, params.channelId);
    this.prepare(channel, params);
    setImmediate(() => {
      if (channel.gone) return;
      const dial = this.dial(channel, resource, params);
      this.sw.endpoints.ring(channel, dial, resource);
    });
    return channel;
  }

  /** Variables are set before the originating app subscribes: it sees no ChannelVarset for them. */
  private prepare(channel: SimChannel, params: OriginateParams): void {
    for (const [name, value] of Object.entries(params.variables ?? {})) {
      if (/\)$/.test(name)) this.sw.channels.setVariable(channel, name, value);
      else channel.variables.set(name.replace(/^_{1,2}/, ''), value);
    }
    if (params.app) this.sw.hub.subscribeChannel(params.app, channel.id);
    this.sw.log(`originate ${channel.name} (${channel.id}) for ${params.app ? `app ${params.app}` : `${params.extension}@${params.context ?? 'default'}`}`);
  }

  private dial(channel: SimChannel, dialstring: string, params: OriginateParams): OutboundDial {
    const timeout = params.timeout ?? 0;
    const timeoutMs = timeout === -1 ? null : (timeout > 0 ? timeout : DEFAULT_DIAL_TIMEOUT_SEC) * 1000;
    const dial = new OutboundDial(this.sw, channel, { dialstring, timeoutMs, onAnswer: () => this.answered(channel, params) });
    dial.start();
    return dial;
  }

  /** The dialled channel answered: into the Stasis app, or into the dialplan. */
  private answered(channel: SimChannel, params: OriginateParams): void {
    if (!params.app) {
      this.sw.dialplan.run(channel, {
        context: params.context || 'default',
        exten: params.extension ?? 's',
        priority: params.priority && params.priority > 0 ? params.priority : 1,
      });
      return;
    }
    const args = params.appArgs ? params.appArgs.split(',') : [];
    channel.dialplan = { ...channel.dialplan, app_name: 'Stasis', app_data: [params.app, ...args].join(',') };
    const exit = this.sw.channels.enterStasis(channel, params.app, args);
    if (!exit) {
      this.sw.log(`Stasis app '${params.app}' not active: ${channel.name} is hung up`);
      this.sw.channels.hangup(channel, 16, 'none');
      return;
    }
    exit.then((result) => {
      if (result.kind === 'continue' && !channel.gone) this.sw.dialplan.run(channel, result);
    }, () => undefined);
  }
}
