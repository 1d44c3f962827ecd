import { arch, release, type } from 'node:os';
import { AriHttpError, badRequest } from './ari-http-error.js';
import { ariTimestamp } from './ari-time.js';
import { noContent, ok, type RouteRequest, type Router } from './http-router.js';
import type { SimSwitch } from './sim-switch.js';

/** The Asterisk version whose ARI the simulator follows (ARI 10). */
export const SIMULATED_VERSION = '22.10.1';

const INFO_PARTS = ['build', 'system', 'config', 'status'] as const;

/** /ari/asterisk, /ari/endpoints, /ari/sounds, /ari/playbacks. */
export function addResourceRoutes(router: Router, sw: SimSwitch): void {
  router.on('GET', '/asterisk/info', (req) => {
    const only = req.query.list('only');
    const unknown = only.filter((p) => !(INFO_PARTS as readonly string[]).includes(p));
    if (unknown.length) throw badRequest(`Unrecognized type in 'only': ${unknown.join(',')}`);
    const started = ariTimestamp(sw.startedAt);
    const info: Record<string, unknown> = {
      build: { os: type(), kernel: release(), machine: arch() === 'x64' ? 'x86_64' : arch(), options: '', date: started, user: 'asterisk' },
      system: { version: SIMULATED_VERSION, entity_id: sw.settings.asteriskId },
      config: { name: 'simulated-asterisk', default_language: 'en', setid: { user: 'asterisk', group: 'asterisk' } },
      status: { startup_time: started, last_reload_time: started },
    };
    return ok(only.length ? Object.fromEntries(only.map((p) => [p, info[p]])) : info);
  });
  router.on('GET', '/asterisk/ping', () => ok({ asterisk_id: sw.settings.asteriskId, ping: 'pong', timestamp: ariTimestamp() }));

  router.on('GET', '/endpoints', () => ok(sw.endpoints.list()));
  router.on('GET', '/endpoints/{tech}', (req) => {
    const tech = req.params.tech ?? '';
    if (tech.toUpperCase() !== 'PJSIP') {
      throw new AriHttpError(404, 'endpoints-not-found', `No Endpoints found - invalid tech ${tech}`, { tech });
    }
    return ok(sw.endpoints.list());
  });
  router.on('GET', '/endpoints/{tech}/{resource}', (req) => {
    const endpoint = sw.endpoints.get(req.params.tech ?? '', req.params.resource ?? '');
    if (!endpoint) throw new AriHttpError(404, 'endpoint-not-found', 'Endpoint not found', { ...req.params });
    return ok(endpoint);
  });

  router.on('GET', '/sounds', async (req) => ok(await sw.sounds.list({ lang: req.query.get('lang'), format: req.query.get('format') })));
  router.on('GET', '/sounds/{soundId}', async (req) => {
    const id = req.params.soundId ?? '';
    const sound = await sw.sounds.get(id);
    if (!sound) throw new AriHttpError(404, 'sound-not-found', `Sound ${id} not found`, { soundId: id });
    return ok(sound);
  });

  const playbackOf = (req: RouteRequest) => sw.playbacks.require(req.params.playbackId ?? '');
  router.on('GET', '/playbacks/{playbackId}', (req) => ok(playbackOf(req).toJson()));
  router.on('DELETE', '/playbacks/{playbackId}', (req) => {
    sw.playbacks.stop(playbackOf(req));
    return noContent();
  });
  router.on('POST', '/playbacks/{playbackId}/control', (req) => {
    const playback = playbackOf(req);
    const operation = req.query.get('operation');
    if (!operation) throw badRequest('Missing parameter operation');
    sw.playbacks.control(playback, operation);
    return noContent();
  });

  /** The events WebSocket answers a plain GET with an error, like Asterisk's. */
  router.on('GET', '/events', () => {
    throw new AriHttpError(400, 'websocket-required', 'This resource needs a WebSocket upgrade', {});
  });
}
