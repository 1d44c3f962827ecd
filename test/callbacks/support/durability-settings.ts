/** Settings shared by the durability tests and their service processes. */

/**
 * Quick take-over of a dead worker's jobs (lock 2 s, stalled check every 1 s)
 * and of its customer dials (lease 6 s); up to five tries, 10 s apart.
 */
export const DURABILITY_CALLBACKS = {
  outbound: { quietHours: null, ringSec: 60 },
  retry: { attempts: 5, delaysSec: [10] },
  workers: { lockDurationMs: 2000, stalledIntervalMs: 1000, tryLeaseMs: 6000 },
};

/** No wrap-up: one agent serves callback after callback. */
export const DURABILITY_QUEUES = { billing: { wrapUpSec: 0, ringTimeoutSec: 10 } };
