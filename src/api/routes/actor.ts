import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { AuditActor, AuditLog, AuditRecord } from '../../auth/audit-log.js';

/** The key that made the request, as the audit trail names it. Only for authenticated routes. */
export function actorOf(req: FastifyRequest): AuditActor {
  const key = req.apiKey;
  if (!key) throw new Error('actorOf called on a request that was not authenticated');
  return { keyId: key.id, name: key.name, role: key.role };
}

/**
 * Audits a change already made (agents, keys; routing changes are audited
 * atomically by PolicySync). A failure to write is logged with the whole
 * record rather than failing a request whose change has happened.
 */
export async function audit(log: AuditLog, logger: FastifyBaseLogger, record: Omit<AuditRecord, 'routingVersion'>): Promise<void> {
  try {
    await log.append({ ...record, routingVersion: null });
  } catch (err) {
    logger.error({ err, audit: record }, 'audit entry could not be written');
  }
}
