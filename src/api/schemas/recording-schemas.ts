import { z } from 'zod';
import { RECORDING_STATUSES, type RecordingMeta } from '../recording-catalog.js';
import { phoneFor, textFor, type NumberExposure } from '../exposure/number-exposure.js';
import { isoTime, queryInt } from './common-schemas.js';

const dateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-01-05T09:00:00+08:00' });

export const recordingListQuery = z.object({
  call: z.string().min(1).max(128).optional().describe('A call id: its recordings, one per agent (a transfer starts a new one)'),
  agent: z.string().min(1).max(64).optional(),
  from: dateTime.optional().describe('Started at or after'),
  to: dateTime.optional().describe('Started at or before'),
  status: z.enum(RECORDING_STATUSES).optional(),
  limit: queryInt(1, 500).optional().describe('At most this many, newest first (default 100)'),
}).strict().refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) <= Date.parse(q.to), {
  message: 'must not be later than to',
  path: ['from'],
});

/** Why someone listens or holds a recording: free text, kept in the audit trail. */
export const reasonSchema = z.string().trim().min(1, 'must not be empty').max(500, 'at most 500 characters')
  .regex(/^[^\p{C}\p{Zl}\p{Zp}]*$/u, 'must contain printable characters only (no control, bidi, zero-width or other format characters)');

export const recordingAudioQuery = z.object({
  reason: reasonSchema.optional().describe('Why you listen, e.g. a complaint ticket: required for a supervisor, kept in the audit trail'),
}).strict();

export const recordingHoldBody = z.object({
  reason: reasonSchema.describe('Why it must be kept past its retention, e.g. complaint 202601050001'),
}).strict();

export const recordingParams = z.object({ id: z.string().min(1).max(128) }).strict();

export const recordingView = z.object({
  id: z.string(),
  callId: z.string(),
  segment: z.number().int().describe('1 for the first agent of the call, 2 after a transfer, ...'),
  kind: z.enum(['live', 'callback']),
  agent: z.string(),
  queue: z.string(),
  tier: z.string(),
  switchId: z.string(),
  startedAt: z.string().describe('ISO 8601 UTC'),
  durationMs: z.number().nullable(),
  size: z.number().int().nullable().describe('Bytes in the store'),
  sha256: z.string().nullable(),
  retainUntil: z.string().describe('ISO 8601 UTC: deleted after this unless held'),
  legalHold: z.string().nullable().describe('Why it is kept past its retention; null when not held'),
  legalHoldBy: z.string().nullable().describe('Who set the legal hold'),
  status: z.enum(RECORDING_STATUSES),
  failure: z.string().nullable().describe('Why it failed (status failed) or was deleted (status deleted)'),
  deletedAt: z.string().nullable().describe('ISO 8601 UTC, when it was deleted from the store'),
  callerNumber: z.string().describe('Whole for auditors and admins, masked for supervisors'),
}).describe('Recording');

export type RecordingView = z.infer<typeof recordingView>;

/** A recording as the API shows it to a key with this exposure; ids stay whole, numbers and free text follow it. */
export function toRecordingView(meta: RecordingMeta, exposure: NumberExposure): RecordingView {
  return {
    id: meta.id,
    callId: meta.callId,
    segment: meta.segment,
    kind: meta.kind,
    agent: meta.agent,
    queue: meta.queue,
    tier: meta.tier,
    switchId: meta.switchId,
    startedAt: isoTime(meta.startedAt),
    durationMs: meta.durationMs,
    size: meta.size,
    sha256: meta.sha256,
    retainUntil: isoTime(meta.retainUntil),
    legalHold: textFor(meta.legalHold, exposure),
    legalHoldBy: textFor(meta.legalHoldBy, exposure),
    status: meta.status,
    failure: textFor(meta.failure, exposure),
    deletedAt: meta.deletedAt === null ? null : isoTime(meta.deletedAt),
    callerNumber: phoneFor(meta.callerNumber, exposure),
  };
}
