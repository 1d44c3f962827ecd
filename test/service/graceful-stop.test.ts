import { expect, it } from 'vitest';
import { CallRecordLog } from '../../src/call-records/call-record-log.js';
import { startHotline } from '../support/hotline-fixture.js';

/**
 * SIGTERM (a rolling restart) while callers wait in a queue: the service stops
 * and leaves their calls to whichever instance recovers them (a restart, or a
 * survivor's takeover), rather than waiting for an agent that can no longer
 * be rung.
 */
it('stopping with a caller waiting in the queue ends, and leaves that call open for recovery', async () => {
  const hotline = await startHotline();
  const redis = hotline.redis.duplicate();
  try {
    // Nobody is logged in: the caller stays queued for general agents.
    void hotline.call('10000', '13800000004', ['0'], { maxQueueWaitMs: 60_000 });
    const deadline = Date.now() + 20_000;
    let waiting: { callId: string }[] = [];
    while (waiting.length === 0 && Date.now() < deadline) {
      waiting = await hotline.service.acd.waiting('general');
      if (waiting.length === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(waiting).toHaveLength(1);
    const callId = waiting[0]!.callId;

    await hotline.service.stop();

    const records = new CallRecordLog({ redis, keyPrefix: hotline.prefix });
    const types = (await records.forCall(callId)).map((e) => e.type);
    expect(types).toContain('queued');
    // Not closed by the instance that stopped: the call goes on under its recovery.
    expect(types).not.toContain('ended');
    expect(await redis.zcard(`${hotline.prefix}:{acd}:q:general`)).toBe(1);
  } finally {
    await hotline.sim.close();
    hotline.redis.disconnect();
    redis.disconnect();
  }
});
