import { AriHttpError, badRequest } from './ari-http-error.js';
import { ok, type RouteRequest, type Router } from './http-router.js';
import type { SimSwitch } from './sim-switch.js';

type Source =
  | { kind: 'channel' | 'bridge'; id: string }
  | { kind: 'endpoint'; key: string }
  | { kind: 'deviceState' };

/** /ari/applications (applications.json): the Stasis apps and their subscriptions. */
export function addApplicationRoutes(router: Router, sw: SimSwitch): void {
  const appOf = (req: RouteRequest): string => {
    const name = req.params.applicationName ?? '';
    if (!sw.hub.exists(name)) throw new AriHttpError(404, 'application-not-found', 'Application not found', { application: name });
    return name;
  };

  router.on('GET', '/applications', () => ok(sw.hub.applications()));
  router.on('GET', '/applications/{applicationName}', (req) => ok(sw.hub.application(appOf(req))));

  router.on('POST', '/applications/{applicationName}/subscription', (req) => {
    const app = appOf(req);
    for (const source of sources(req, sw)) {
      if (source.kind === 'channel') {
        if (source.id) sw.hub.subscribeChannel(app, source.id);
        else sw.hub.subscribeAllOf(app, 'channel', true);
      } else if (source.kind === 'bridge') {
        if (source.id) sw.hub.subscribeBridge(app, source.id);
        else sw.hub.subscribeAllOf(app, 'bridge', true);
      } else if (source.kind === 'endpoint') {
        sw.hub.subscribeEndpoint(app, source.key);
      }
    }
    return ok(sw.hub.application(app));
  });

  router.on('DELETE', '/applications/{applicationName}/subscription', (req) => {
    const app = appOf(req);
    const list = sources(req, sw);
    const notSubscribed = () =>
      new AriHttpError(409, 'not-subscribed', 'Application not subscribed to event source', { application: app });
    for (const source of list) {
      let was = true;
      if (source.kind === 'channel') was = source.id ? sw.hub.unsubscribeChannel(app, source.id) : sw.hub.subscribeAllOf(app, 'channel', false);
      else if (source.kind === 'bridge') was = source.id ? sw.hub.unsubscribeBridge(app, source.id) : sw.hub.subscribeAllOf(app, 'bridge', false);
      else if (source.kind === 'endpoint') was = sw.hub.unsubscribeEndpoint(app, source.key);
      if (!was) throw notSubscribed();
    }
    return ok(sw.hub.application(app) ?? { name: app, channel_ids: [], bridge_ids: [], endpoint_ids: [], device_names: [], events_allowed: [], events_disallowed: [] });
  });
}

/** Parses and checks every eventSource before anything changes (422 when one does not exist). */
function sources(req: RouteRequest, sw: SimSwitch): Source[] {
  const raw = req.query.list('eventSource');
  if (!raw.length) throw badRequest('Missing parameter eventSource');
  const missing = (source: string) =>
    new AriHttpError(422, 'event-source-not-found', 'Event source was not found', { eventSource: source });
  return raw.map((source): Source => {
    const colon = source.indexOf(':');
    const scheme = colon > 0 ? source.slice(0, colon) : source;
    const rest = colon > 0 ? source.slice(colon + 1) : '';
    switch (scheme) {
      case 'channel':
        if (rest && !sw.channels.get(rest)) throw missing(source);
        return { kind: 'channel', id: rest };
      case 'bridge':
        if (rest && !sw.bridges.get(rest)) throw missing(source);
        return { kind: 'bridge', id: rest };
      case 'endpoint': {
        const [technology = '', resource] = rest.split('/');
        if (technology.toUpperCase() !== 'PJSIP' || resource === '') throw missing(source);
        return { kind: 'endpoint', key: resource === undefined ? 'PJSIP' : `PJSIP/${resource}` };
      }
      case 'deviceState':
        return { kind: 'deviceState' };
      default:
        throw new AriHttpError(400, 'bad-event-source', 'Invalid event source URI scheme', { eventSource: source });
    }
  });
}
