import { noContent, ok, type RouteRequest, type Router } from './http-router.js';
import type { SimSwitch } from './sim-switch.js';

/** /ari/recordings (recordings.json): live recordings and the stored files. */
export function addRecordingRoutes(router: Router, sw: SimSwitch): void {
  const nameOf = (req: RouteRequest) => req.params.recordingName ?? '';

  router.on('GET', '/recordings/stored', async () => ok(await sw.recordings.listStored()));
  router.on('GET', '/recordings/stored/{recordingName}', async (req) => ok(await sw.recordings.getStored(nameOf(req))));
  router.on('DELETE', '/recordings/stored/{recordingName}', async (req) => {
    await sw.recordings.deleteStored(nameOf(req));
    return noContent();
  });
  // Asterisk sends the file with "Content-Type: <media type>/<extension>": audio/wav.
  router.on('GET', '/recordings/stored/{recordingName}/file', async (req) => ({
    status: 200,
    body: await sw.recordings.readStored(nameOf(req)),
    headers: { 'content-type': 'audio/wav' },
  }));

  router.on('GET', '/recordings/live/{recordingName}', (req) => ok(sw.recordings.get(nameOf(req))));
  router.on('POST', '/recordings/live/{recordingName}/stop', (req) => {
    sw.recordings.stop(nameOf(req));
    return noContent();
  });
  router.on('DELETE', '/recordings/live/{recordingName}', (req) => {
    sw.recordings.cancel(nameOf(req));
    return noContent();
  });
}
