import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorLabel } from '../../auth/audit-log.js';
import { roleAllows } from '../../auth/roles.js';
import { AppError, NotFoundError } from '../../errors.js';
import { systemClock } from '../../time/clock.js';
import { byteRange } from '../byte-range.js';
import { recordingExposureOf } from '../exposure/number-exposure.js';
import type { RecordingCatalog, RecordingMeta } from '../recording-catalog.js';
import { authErrors, errorSchema, noQuery } from '../schemas/common-schemas.js';
import {
  recordingAudioQuery, recordingHoldBody, recordingListQuery, recordingParams, recordingView, toRecordingView,
} from '../schemas/recording-schemas.js';
import type { SupervisorDeps } from '../supervisor-deps.js';
import { actorOf, audit } from './actor.js';

const DEFAULT_LIMIT = 100;

class RecordingsNotEnabledError extends AppError {
  constructor() {
    super(404, 'recordings-not-enabled', 'recordings are not enabled on this service');
  }
}

class RecordingNotStoredError extends AppError {
  constructor(meta: RecordingMeta) {
    const why = {
      recording: 'it is still being recorded',
      copying: 'it is being copied from the switch into the store',
      failed: `it could not be copied from the switch${meta.failure ? ` (${meta.failure})` : ''}`,
      deleted: 'it was deleted at the end of its retention',
      stored: 'its audio is missing from the store',
    }[meta.status];
    super(404, 'recording-not-stored', `recording ${meta.id} has no audio to play: ${why}`, { id: meta.id, status: meta.status });
  }
}

class RecordingDamagedError extends AppError {
  constructor(id: string, expected: number, stored: number) {
    super(500, 'recording-damaged', `recording ${id} in the store is not the file that was copied (${stored} bytes, ${expected} expected)`, { id });
  }
}

class ReasonRequiredError extends AppError {
  constructor() {
    super(403, 'reason-required', 'a supervisor may listen to a recording only with ?reason= saying why (e.g. the complaint ticket); auditors and admins may listen without', { role: 'supervisor' });
  }
}

const wav = { schema: z.string().describe('WAV audio') };

/**
 * Recorded conversations: listed for supervisors (numbers masked), auditors
 * and admins; heard by auditors and admins, and by a supervisor who says
 * why. Every request that returns audio, whole or a seek's range, is in the
 * audit trail before a byte of it is sent: who, when, which recording, why.
 */
export const recordingRoutes: FastifyPluginAsyncZod<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  const clock = deps.clock ?? systemClock;
  const catalog = (): RecordingCatalog => {
    if (!deps.recordings) throw new RecordingsNotEnabledError();
    return deps.recordings;
  };
  const known = async (id: string): Promise<RecordingMeta> => {
    const meta = await catalog().get(id);
    if (!meta) throw new NotFoundError('recording', id);
    return meta;
  };

  app.get('/recordings', {
    config: { role: ['supervisor', 'auditor'] },
    schema: {
      tags: ['recordings'],
      summary: 'Recorded conversations, newest first',
      description: 'Callers\' numbers are whole for auditors and admins, masked for supervisors.',
      querystring: recordingListQuery,
      response: { 200: z.object({ recordings: z.array(recordingView) }), ...authErrors, 404: errorSchema },
    },
  }, async (req) => {
    const { call, agent, from, to, status, limit } = req.query;
    const found = await catalog().list({
      ...(call === undefined ? {} : { callId: call }),
      ...(agent === undefined ? {} : { agent }),
      ...(from === undefined ? {} : { from: Date.parse(from) }),
      ...(to === undefined ? {} : { to: Date.parse(to) }),
      ...(status === undefined ? {} : { status }),
      limit: limit ?? DEFAULT_LIMIT,
    });
    const exposure = recordingExposureOf(req);
    return { recordings: found.map((meta) => toRecordingView(meta, exposure)) };
  });

  app.get('/recordings/:id', {
    config: { role: ['supervisor', 'auditor'] },
    schema: {
      tags: ['recordings'],
      summary: 'One recording',
      params: recordingParams,
      querystring: noQuery,
      response: { 200: recordingView, ...authErrors, 404: errorSchema },
    },
  }, async (req) => toRecordingView(await known(req.params.id), recordingExposureOf(req)));

  app.get('/recordings/:id/audio', {
    // A HEAD would run this handler and audit a listen that sends no audio.
    exposeHeadRoute: false,
    config: { role: ['supervisor', 'auditor'] },
    schema: {
      tags: ['recordings'],
      summary: 'Listen: the recording\'s WAV, whole or the byte range asked for',
      description: 'Auditors and admins; a supervisor only with ?reason=. Range: bytes=a-b, a- or -n answers 206 with Content-Range (one range; a header not understood gets the whole file); a range past the end 416. Every answer with audio is audited.',
      params: recordingParams,
      querystring: recordingAudioQuery,
      response: {
        200: { description: 'The whole recording', content: { 'audio/wav': wav } },
        206: { description: 'The range asked for', content: { 'audio/wav': wav } },
        ...authErrors,
        404: errorSchema,
        416: errorSchema,
        500: errorSchema,
      },
    },
  }, async (req, reply) => {
    const key = req.apiKey!;
    const reason = req.query.reason ?? null;
    if (reason === null && !roleAllows(key.role, 'auditor')) throw new ReasonRequiredError();
    const meta = await known(req.params.id);
    if (meta.status !== 'stored') throw new RecordingNotStoredError(meta);
    // Without a size in the metadata no range can be checked: the whole file is sent.
    const range = meta.size === null ? { kind: 'whole' as const } : byteRange(req.headers.range, meta.size);
    if (range.kind === 'unsatisfiable') return unsatisfiable(reply, meta.id, meta.size ?? 0);
    const opened = await catalog().open(meta.id, range.kind === 'part' ? { start: range.start, end: range.end } : undefined);
    if (!opened) throw new RecordingNotStoredError(meta);
    if (meta.size !== null && opened.size !== meta.size) {
      // The range was cut to the size in the metadata: a file of another size is not the one copied and checked.
      destroy(opened.stream);
      req.log.error({ recording: meta.id, stored: opened.size, expected: meta.size }, 'a stored recording differs in size from its metadata');
      throw new RecordingDamagedError(meta.id, meta.size, opened.size);
    }
    try {
      // Written before the audio and not past a failure to write it: no listen goes unaudited.
      await deps.audit.append({
        at: clock.now(), actor: actorOf(req), action: 'recording.listen', target: meta.id, before: null,
        after: { callId: meta.callId, reason, range: range.kind === 'part' ? `bytes=${range.start}-${range.end}` : null },
        routingVersion: null,
      });
    } catch (err) {
      destroy(opened.stream);
      throw err;
    }
    return sendAudio(reply, meta.id, opened, range.kind === 'part' ? range : null);
  });

  const hold = async (id: string, reason: string | null, req: Parameters<typeof actorOf>[0]) => {
    const before = await known(id);
    const actor = actorOf(req);
    const after = await catalog().setLegalHold(id, reason, actorLabel(actor));
    await audit(deps.audit, req.log, {
      at: clock.now(), actor, action: reason === null ? 'recording.hold.release' : 'recording.hold', target: id,
      before: { legalHold: before.legalHold }, after: { legalHold: after.legalHold },
    });
    return toRecordingView(after, recordingExposureOf(req));
  };

  app.put('/recordings/:id/hold', {
    config: { role: 'auditor' },
    schema: {
      tags: ['recordings'],
      summary: 'Keep a recording past its retention (legal hold), e.g. for an open complaint',
      params: recordingParams,
      querystring: noQuery,
      body: recordingHoldBody,
      response: { 200: recordingView, ...authErrors, 404: errorSchema, 409: errorSchema },
    },
  }, async (req) => hold(req.params.id, req.body.reason, req));

  app.delete('/recordings/:id/hold', {
    config: { role: 'auditor' },
    schema: {
      tags: ['recordings'],
      summary: 'Release the legal hold: the recording is deleted once past its retention',
      params: recordingParams,
      querystring: noQuery,
      response: { 200: recordingView, ...authErrors, 404: errorSchema, 409: errorSchema },
    },
  }, async (req) => hold(req.params.id, null, req));
};

function unsatisfiable(reply: FastifyReply, id: string, size: number): FastifyReply {
  return reply.code(416)
    .header('content-range', `bytes */${size}`)
    .header('accept-ranges', 'bytes')
    .type('application/json; charset=utf-8')
    .send({ error: 'range-not-satisfiable', message: `the range asked for is outside recording ${id}, which has ${size} bytes`, details: { id, size } });
}

/** The audio streamed as the store gives it, never held whole in memory; a listener is never let to cache it. */
function sendAudio(reply: FastifyReply, id: string, opened: { stream: NodeJS.ReadableStream; size: number; contentType: string }, part: { start: number; end: number } | null): FastifyReply {
  reply
    .header('content-type', opened.contentType)
    .header('accept-ranges', 'bytes')
    .header('cache-control', 'private, no-store')
    .header('content-disposition', `inline; filename="${id}.wav"`);
  if (part) {
    return reply.code(206)
      .header('content-range', `bytes ${part.start}-${part.end}/${opened.size}`)
      .header('content-length', String(part.end - part.start + 1))
      .send(opened.stream);
  }
  return reply.code(200).header('content-length', String(opened.size)).send(opened.stream);
}

function destroy(stream: NodeJS.ReadableStream): void {
  const closable = stream as NodeJS.ReadableStream & { destroy?: () => void };
  closable.destroy?.();
}
