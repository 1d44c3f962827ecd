import type { FastifyInstance } from 'fastify';
import { DESK_HTML } from './desk-page.js';

/**
 * GET /desk. The page holds no data and needs no key to load; the agent signs
 * in on it. Its content-security policy allows only its own inline code and
 * this origin.
 */
export async function deskPageRoutes(app: FastifyInstance): Promise<void> {
  app.get('/desk', { schema: { hide: true } }, async (_req, reply) => reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-cache')
    .send(DESK_HTML));
}
