import { AriHttpError } from './ari-http-error.js';
import { noContent, ok, type RouteRequest, type RouteResponse, type Router } from './http-router.js';
import type { SimSwitch } from './sim-switch.js';

/** /ari/bridges (bridges.json). */
export function addBridgeRoutes(router: Router, sw: SimSwitch): void {
  const bridgeOf = (req: RouteRequest) => sw.bridges.require(req.params.bridgeId ?? '');

  router.on('GET', '/bridges', () => ok(sw.bridges.list().map((b) => b.toJson())));
  router.on('POST', '/bridges', (req) =>
    ok(sw.bridges.create({ type: req.query.get('type'), name: req.query.get('name'), bridgeId: req.query.get('bridgeId') }).toJson()),
  );

  /** Creates the bridge, or answers the existing one when nothing would change. */
  router.on('POST', '/bridges/{bridgeId}', (req) => {
    const bridgeId = req.params.bridgeId ?? '';
    const existing = sw.bridges.get(bridgeId);
    if (!existing) return ok(sw.bridges.create({ type: req.query.get('type'), name: req.query.get('name'), bridgeId }).toJson());
    const name = req.query.get('name');
    if (name && name !== existing.name) {
      // Asterisk's own answer (res/ari/resource_bridges.c): an existing bridge cannot be renamed.
      throw new AriHttpError(500, 'bridge-rename', 'Changing bridge name is not implemented', { bridgeId });
    }
    if (req.query.get('type')) {
      throw new AriHttpError(500, 'bridge-retype', 'Supplying a bridge type when updating a bridge is not allowed.', { bridgeId });
    }
    return ok(existing.toJson());
  });

  router.on('GET', '/bridges/{bridgeId}', (req) => ok(bridgeOf(req).toJson()));
  router.on('DELETE', '/bridges/{bridgeId}', (req) => {
    sw.bridges.destroy(bridgeOf(req));
    return noContent();
  });

  router.on('POST', '/bridges/{bridgeId}/addChannel', async (req) => {
    await sw.bridges.addChannels(bridgeOf(req), req.query.list('channel'), {
      role: req.query.get('role'),
      absorbDtmf: req.query.bool('absorbDTMF'),
      mute: req.query.bool('mute'),
    });
    return noContent();
  });
  router.on('POST', '/bridges/{bridgeId}/removeChannel', async (req) => {
    await sw.bridges.removeChannels(bridgeOf(req), req.query.list('channel'));
    return noContent();
  });

  router.on('POST', '/bridges/{bridgeId}/moh', (req) => {
    sw.bridges.startMoh(bridgeOf(req), req.query.get('mohClass'));
    return noContent();
  });
  router.on('DELETE', '/bridges/{bridgeId}/moh', (req) => {
    sw.bridges.stopMoh(bridgeOf(req));
    return noContent();
  });

  router.on('POST', '/bridges/{bridgeId}/record', async (req) => {
    const bridge = bridgeOf(req);
    const recording = await sw.recordings.start(bridge, {
      name: req.query.get('name') ?? '',
      format: req.query.get('format') ?? '',
      maxDurationSeconds: req.query.int('maxDurationSeconds', 0),
      maxSilenceSeconds: req.query.int('maxSilenceSeconds', 0),
      ifExists: req.query.get('ifExists') ?? '',
      terminateOn: req.query.get('terminateOn') ?? '',
    });
    return { status: 201, body: recording, headers: { Location: `/recordings/live/${encodeURIComponent(recording.name)}` } };
  });

  const play = (req: RouteRequest): RouteResponse => {
    const bridge = bridgeOf(req);
    const playback = sw.playbacks.start({ kind: 'bridge', bridge }, {
      media: req.query.list('media'),
      language: req.query.get('lang') || 'en',
      playbackId: req.params.playbackId ?? req.query.get('playbackId'),
      offsetMs: req.query.int('offsetms', 0),
      skipMs: req.query.int('skipms', 3000),
    });
    return { status: 201, body: playback.toJson(), headers: { Location: `/playbacks/${playback.id}` } };
  };
  router.on('POST', '/bridges/{bridgeId}/play', play);
  router.on('POST', '/bridges/{bridgeId}/play/{playbackId}', play);
}
