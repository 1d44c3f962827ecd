import type { FastifyInstance } from 'fastify';
import { WHATIF_HTML } from './whatif-page.js';

/**
 * GET /whatif. The page holds no data and needs no key to load; it asks for
 * one and uses it for the API. Its content-security policy allows only its
 * own inline code and this origin (blob: for the CSV download).
 */
export async function whatIfPageRoutes(app: FastifyInstance): Promise<void> {
  app.get('/whatif', { schema: { hide: true } }, async (_req, reply) => reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-cache')
    .send(WHATIF_HTML));
}
