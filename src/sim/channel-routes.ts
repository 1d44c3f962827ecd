import { AriHttpError, badRequest, channelNotFound } from './ari-http-error.js';
import { ControlClosedError } from './control-queue.js';
import { sendDtmf } from './dtmf-sender.js';
import { HANGUP_REASONS } from './hangup-causes.js';
import { noContent, ok, type RouteRequest, type RouteResponse, type Router } from './http-router.js';
import type { OriginateParams } from './originate.js';
import type { SimChannel } from './sim-channel.js';
import type { SimSwitch } from './sim-switch.js';

/** /ari/channels (channels.json). */
export function addChannelRoutes(router: Router, sw: SimSwitch): void {
  const id = (req: RouteRequest) => req.params.channelId ?? '';

  router.on('GET', '/channels', () => ok(sw.channels.list().filter((c) => !c.gone).map((c) => c.toJson())));
  router.on('POST', '/channels', (req) => ok(sw.originator.originate(originateParams(req, req.query.get('channelId'))).toJson()));
  router.on('GET', '/channels/{channelId}', (req) => ok(sw.channels.require(id(req)).toJson()));
  router.on('POST', '/channels/{channelId}', (req) => ok(sw.originator.originate(originateParams(req, id(req))).toJson()));

  router.on('DELETE', '/channels/{channelId}', (req) => {
    const channel = sw.channels.require(id(req));
    sw.channels.hangup(channel, hangupCause(req), 'soft');
    return noContent();
  });

  router.on('POST', '/channels/{channelId}/answer', async (req) => {
    const channel = sw.channels.requireUsable(id(req));
    await inQueue(channel, () => {
      if (channel.state === 'Up') return;
      sw.channels.setState(channel, 'Up');
      channel.peer?.pendingDial?.answer();
    });
    return noContent();
  });

  router.on('POST', '/channels/{channelId}/ring', (req) => {
    sw.channels.requireUsable(id(req));
    return noContent();
  });
  router.on('DELETE', '/channels/{channelId}/ring', (req) => {
    sw.channels.requireUsable(id(req));
    return noContent();
  });

  const play = (req: RouteRequest): RouteResponse => {
    const channel = sw.channels.requireUsable(id(req));
    const playback = sw.playbacks.start({ kind: 'channel', channel }, {
      media: req.query.list('media'),
      language: req.query.get('lang') || channel.language,
      playbackId: req.params.playbackId ?? req.query.get('playbackId'),
      offsetMs: req.query.int('offsetms', 0),
      skipMs: req.query.int('skipms', 3000),
    });
    return { status: 201, body: playback.toJson(), headers: { Location: `/playbacks/${playback.id}` } };
  };
  router.on('POST', '/channels/{channelId}/play', play);
  router.on('POST', '/channels/{channelId}/play/{playbackId}', play);

  router.on('POST', '/channels/{channelId}/dtmf', (req) => {
    const channel = sw.channels.requireUsable(id(req));
    const dtmf = req.query.get('dtmf');
    if (!dtmf) throw badRequest('DTMF is required');
    sendDtmf(sw, channel, dtmf, {
      before: req.query.int('before', 0),
      between: req.query.int('between', 100),
      duration: req.query.int('duration', 100),
      after: req.query.int('after', 0),
    });
    return noContent();
  });

  router.on('POST', '/channels/{channelId}/moh', (req) => {
    const channel = sw.channels.requireUsable(id(req));
    const mohClass = req.query.get('mohClass') || 'default';
    // Asynchronous in Asterisk too: the music starts once earlier commands (a prompt) are done.
    inQueue(channel, () => {
      channel.moh = mohClass;
    }).catch(() => undefined);
    return noContent();
  });
  router.on('DELETE', '/channels/{channelId}/moh', (req) => {
    const channel = sw.channels.requireUsable(id(req));
    inQueue(channel, () => {
      channel.moh = null;
    }).catch(() => undefined);
    return noContent();
  });

  router.on('GET', '/channels/{channelId}/variable', (req) => {
    const variable = req.query.get('variable');
    if (!variable) throw badRequest('Variable name is required');
    const channel = sw.channels.get(id(req));
    if (!channel || channel.gone) {
      throw new AriHttpError(404, 'channel-not-found', 'Provided channel was not found', { channelId: id(req) });
    }
    const value = sw.channels.readVariable(channel, variable);
    if (value === null) throw new AriHttpError(404, 'variable-not-found', 'Provided variable was not found', { variable });
    return ok({ value });
  });
  // Runs in the channel's command queue and answers once it has run (measured on Asterisk 22: a variable
  // set on a channel playing a 34 s prompt answered when the prompt ended). 404 if the channel hangs up first.
  router.on('POST', '/channels/{channelId}/variable', async (req) => {
    const variable = req.query.get('variable');
    if (!variable) throw badRequest('Variable name is required');
    const channel = sw.channels.requireInStasis(id(req));
    const value = req.query.get('value') ?? '';
    await inQueue(channel, () => sw.channels.setVariable(channel, variable, value));
    return noContent();
  });

  // Queued without waiting, as Asterisk does (stasis_app_send_command_async): 204 at once, the channel
  // leaves the app once the commands before it (a prompt in progress) are done.
  router.on('POST', '/channels/{channelId}/continue', (req) => {
    const channel = sw.channels.requireUsable(id(req));
    const priority = req.query.int('priority', 0);
    const target = {
      context: req.query.get('context'),
      extension: req.query.get('extension'),
      priority: priority > 0 ? priority : undefined,
    };
    inQueue(channel, () => {
      if (channel.stasisApp) sw.channels.continueInDialplan(channel, target);
    }).catch(() => undefined);
    return noContent();
  });
}

function originateParams(req: RouteRequest, channelId: string | undefined): OriginateParams {
  const q = req.query;
  const body = req.body as { variables?: unknown } | undefined;
  const variables = body && typeof body === 'object' ? body.variables : undefined;
  if (variables !== undefined && (variables === null || typeof variables !== 'object' || Array.isArray(variables))) {
    throw badRequest("Only string values in the 'variables' object allowed");
  }
  return {
    endpoint: q.get('endpoint'),
    app: q.get('app'),
    appArgs: q.get('appArgs'),
    extension: q.get('extension'),
    context: q.get('context'),
    priority: q.int('priority', 0),
    callerId: q.get('callerId'),
    timeout: q.has('timeout') ? q.int('timeout', 30) : undefined,
    channelId: channelId || undefined,
    otherChannelId: q.get('otherChannelId'),
    variables: variables as Record<string, string> | undefined,
  };
}

/** `reason` (normal, busy, congestion...) or `reason_code` (a Q.850 cause); normal by default. */
function hangupCause(req: RouteRequest): number {
  const reason = req.query.get('reason');
  const code = req.query.get('reason_code');
  if (reason && code) throw badRequest("The reason and reason_code can't both be specified");
  if (code) {
    const cause = Number.parseInt(code, 10);
    if (!Number.isInteger(cause) || cause < 0 || cause > 127) throw badRequest('Invalid reason_code for hangup provided');
    return cause;
  }
  if (!reason) return 16;
  const cause = HANGUP_REASONS[reason];
  if (cause === undefined) throw new AriHttpError(400, 'invalid-hangup-reason', 'Invalid reason for hangup provided', { reason });
  return cause;
}

/** Runs a channel command in its queue; a channel that hung up meanwhile answers 404. */
async function inQueue(channel: SimChannel, command: () => void): Promise<void> {
  try {
    await channel.control.run(command);
  } catch (err) {
    if (err instanceof ControlClosedError) throw channelNotFound(channel.id);
    throw err;
  }
}
