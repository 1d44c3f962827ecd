import { ApiKeyStore } from '../auth/api-key-store.js';
import type { HotlineService } from '../service/hotline-service.js';

/**
 * The demo's admin API key: IVR_DEMO_KEY when given (created, or kept when the
 * demo restarts on the same Redis), otherwise a new one. Printed by the demo.
 */
export async function provisionDemoKey(service: HotlineService, given: string | undefined): Promise<string> {
  const store = new ApiKeyStore({ redis: service.redis, keyPrefix: service.config.redis.keyPrefix });
  const { key } = await store.create({ role: 'admin', name: 'demo', ...(given ? { key: given } : {}) });
  return key;
}
