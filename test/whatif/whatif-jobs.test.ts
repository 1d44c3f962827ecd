import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { systemClock } from '../../src/time/clock.js';
import { whatIfSectionSchema } from '../../src/whatif/whatif-config.js';
import { WhatIfJobs } from '../../src/whatif/whatif-jobs.js';
import { whatIfRequestSchema } from '../../src/whatif/whatif-request.js';
import { defaultSnapshot } from './whatif-support.js';

const open: WhatIfJobs[] = [];

function jobs(maxQueued: number): WhatIfJobs {
  const j = new WhatIfJobs({
    redisUrl: inject('redisUrl'), keyPrefix: `test:whatif-jobs:${randomUUID().slice(0, 8)}`, settings: whatIfSectionSchema.parse({ maxQueued }),
    snapshot: () => defaultSnapshot(), agents: async () => [], callRecords: async () => [],
    shortAbandonSec: 5, clock: systemClock, logger: pino({ level: 'silent' }),
  });
  open.push(j);
  return j;
}

const request = whatIfRequestSchema.parse({
  source: { kind: 'replay', lastMinutes: 60 },
  staffing: { kind: 'listed', agents: [{ id: '1004', skills: { billing: 4 } }] },
});

afterEach(async () => {
  for (const j of open.splice(0)) await j.stop();
});

describe('what-if runs as jobs', () => {
  it('refuses a run beyond whatif.maxQueued waiting with 429 whatif-queue-full', async () => {
    const queue = jobs(2);
    await queue.submit(request, 'sam');
    await queue.submit(request, 'sam');
    const refused = await queue.submit(request, 'sam').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 429, code: 'whatif-queue-full' });
  });

  it('reports a run that found nothing to run as failed, saying why', async () => {
    const queue = jobs(5);
    queue.start();
    const { id } = await queue.submit(request, 'sam');
    let view = await queue.get(id);
    while (view && view.state !== 'failed' && view.state !== 'done') {
      await new Promise((r) => setTimeout(r, 20));
      view = await queue.get(id);
    }
    expect(view).toMatchObject({ state: 'failed', result: null, requestedBy: 'sam' });
    expect(view!.error).toMatch(/source: no call reached a queue in the period/);
  }, 30_000);
});
