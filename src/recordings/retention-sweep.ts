import type { AuditActor } from '../auth/audit-log.js';
import type { Logger } from '../log/logger.js';
import type { Clock } from '../time/clock.js';
import type { RecordingIndex } from './recording-index.js';
import type { RecordingStore } from './recording-store.js';

/** The audit trail's name for deletions made by the retention sweep (no API key makes them). */
export const RETENTION_ACTOR: AuditActor = { keyId: 'retention', name: 'recordings retention', role: 'admin' };

export interface SweepCounts {
  deleted: number;
  /** Past their retention, kept by a legal hold. */
  held: number;
  /** Past their retention, kept while their call has an open complaint. */
  complaint: number;
}

export interface RetentionSweepDeps {
  index: RecordingIndex;
  store: RecordingStore;
  clock: Clock;
  logger: Logger;
  /** The calls with an open complaint ticket: their recordings are kept while it is open. */
  openComplaintCalls: () => Promise<ReadonlySet<string>>;
  /** The audit trail each deletion is written to. */
  audit?: { append(record: { at: number; actor: AuditActor; action: string; target: string | null; before: unknown; after: unknown; routingVersion: number | null }): Promise<string> } | undefined;
}

const BATCH = 200;

/**
 * Deletes from the store every stored recording past its retention, except
 * those under a legal hold or whose call has an open complaint (looked at
 * again on the next sweep). Each deletion is kept: the recording's status
 * becomes `deleted` with when and why, its caller's number is cleared, and
 * the audit trail gets a `recording.delete` entry. Running twice deletes
 * nothing the second time.
 */
export async function sweepRetention(deps: RetentionSweepDeps): Promise<SweepCounts> {
  const { index, store, clock, logger } = deps;
  const now = clock.now();
  const openCalls = await deps.openComplaintCalls();
  const counts: SweepCounts = { deleted: 0, held: 0, complaint: 0 };
  let kept = 0;
  for (;;) {
    const ids = await index.dueBy(now, kept + BATCH);
    const batch = ids.slice(kept);
    if (!batch.length) break;
    const metas = new Map((await index.getMany(batch)).map((m) => [m.id, m]));
    for (const id of batch) {
      const meta = metas.get(id);
      if (meta?.status !== 'stored') {
        await index.dropDue(id);
        continue;
      }
      if (meta.legalHold) {
        counts.held++;
        kept++;
        continue;
      }
      if (openCalls.has(meta.callId)) {
        counts.complaint++;
        kept++;
        continue;
      }
      await store.delete(meta.id);
      const reason = `retention: kept until ${new Date(meta.retainUntil).toISOString()}`;
      await index.update(meta.id, { status: 'deleted', deletedAt: now, failure: reason, callerNumber: '' }, null);
      await deps.audit?.append({
        at: now, actor: RETENTION_ACTOR, action: 'recording.delete', target: meta.id,
        before: { status: 'stored', callId: meta.callId, startedAt: meta.startedAt, retainUntil: meta.retainUntil, sha256: meta.sha256 },
        after: { status: 'deleted', reason },
        routingVersion: null,
      });
      counts.deleted++;
    }
    if (batch.length < BATCH) break;
  }
  logger.info(counts, 'recordings past their retention swept');
  return counts;
}
