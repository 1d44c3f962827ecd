/**
 * The hotline service: `npm start` (built) or `npm run dev`. Configuration comes
 * from config/*.yaml and the environment (README); a bad value stops start-up
 * with a message naming the key.
 */
import { loadConfig } from './service/config-schema.js';
import { AppError, ConfigError } from './errors.js';
import { createLogger } from './log/logger.js';
import { HotlineService } from './service/hotline-service.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig({ env: process.env });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger({ level: config.log.level });
  const service = new HotlineService({ config, logger });
  await service.start();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    service.stop().then(() => process.exit(0), (err) => {
      logger.error({ err }, 'stop failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  // A typed error says what to fix (e.g. the port is taken); a stack would only hide it.
  const text = err instanceof AppError ? `${err.message} (${err.code})` : (err as Error).stack ?? String(err);
  process.stderr.write(`start-up failed: ${text}\n`);
  process.exit(1);
});
