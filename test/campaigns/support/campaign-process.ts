/**
 * A service process for the campaign kill tests: one hotline service on
 * REDIS_URL (key prefix PREFIX), the simulated switch at SIM_URL (app APP);
 * prints one JSON line `{"port": <HTTP port>}` once ready, then runs until it
 * is killed.
 */
import { startCampaignService } from './campaign-service.js';

const env = process.env;
const service = await startCampaignService({ redisUrl: env.REDIS_URL!, prefix: env.PREFIX!, simUrl: env.SIM_URL!, app: env.APP!, recordingsDir: env.RECORDINGS_DIR! }, env.LOG_LEVEL ?? 'silent');
process.stdout.write(`${JSON.stringify({ port: service.port })}\n`);
