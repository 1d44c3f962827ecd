import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import type { CustomerData } from '../../src/customers/customer-data.js';
import { PasswordGuard, type PasswordCheck } from '../../src/customers/password-guard.js';

const RIGHT_PIN = '123456';
const MAX_ATTEMPTS = 3;

/**
 * A customer backend whose password comparisons wait at a gate the test opens,
 * so "simultaneous" means every check is in flight at once, without timers.
 */
class GatedPasswords {
  readonly compared: string[] = [];
  private readonly waiting: Array<{ pin: string; open: () => void }> = [];
  private readonly arrivalListeners = new Set<() => void>();

  readonly customers = {
    verifyPassword: async (_accountId: string, pin: string): Promise<boolean> => {
      await new Promise<void>((open) => {
        this.waiting.push({ pin, open });
        for (const listener of [...this.arrivalListeners]) listener();
      });
      this.compared.push(pin);
      return pin === RIGHT_PIN;
    },
  } as unknown as CustomerData;

  get inFlight(): number { return this.waiting.length; }

  /** Resolves once `count` comparisons are waiting at the gate. */
  arrivals(count: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.waiting.length < count) return;
        this.arrivalListeners.delete(check);
        resolve();
      };
      this.arrivalListeners.add(check);
      check();
    });
  }

  /** Calls `listener` on every arrival at the gate until the returned function is called. */
  onArrival(listener: () => void): () => void {
    this.arrivalListeners.add(listener);
    return () => this.arrivalListeners.delete(listener);
  }

  /** Opens the gate for every waiting comparison of these PINs. */
  open(which: (pin: string) => boolean): void {
    for (const w of this.waiting.filter((x) => which(x.pin))) {
      this.waiting.splice(this.waiting.indexOf(w), 1);
      w.open();
    }
  }
}

let redisA: Redis;
let redisB: Redis;

beforeAll(() => {
  redisA = new Redis(inject('redisUrl'));
  redisB = new Redis(inject('redisUrl'));
});

afterAll(() => {
  redisA.disconnect();
  redisB.disconnect();
});

/** Two guards on two Redis connections: two service instances answering lines of the same account. */
function twoInstances(gate: GatedPasswords) {
  const keyPrefix = `test:pw-race:${randomUUID()}`;
  const options = { keyPrefix, customers: gate.customers, maxAttempts: MAX_ATTEMPTS, lockMinutes: 15 };
  return [new PasswordGuard({ ...options, redis: redisA }), new PasswordGuard({ ...options, redis: redisB })] as const;
}

/** Starts the checks and resolves when each has either returned or reached the comparison. */
async function startAll(gate: GatedPasswords, checks: Array<() => Promise<PasswordCheck>>) {
  let settled = 0;
  let onSettle: () => void = () => {};
  const results = checks.map((run) => run().finally(() => { settled += 1; onSettle(); }));
  // Checked on every settle and every arrival, in whichever order they come
  // (refusals can settle before the reserved checks reach the gate).
  let stopListening = () => {};
  const alreadyWaiting = gate.inFlight;
  await new Promise<void>((resolve) => {
    const done = () => { if (settled + gate.inFlight - alreadyWaiting === checks.length) resolve(); };
    onSettle = done;
    stopListening = gate.onArrival(done);
    done();
  });
  stopListening();
  return results;
}

describe('service password lock-out under parallel calls', () => {
  it('eight simultaneous checks on two instances (7 wrong, the right PIN last) compare at most maxAttempts wrong guesses, and the right PIN is refused once locked', async () => {
    const gate = new GatedPasswords();
    const [a, b] = twoInstances(gate);
    const pins = ['000001', '000002', '000003', '000004', '000005', '000006', '000007', RIGHT_PIN];
    const results = await startAll(gate, pins.map((pin, i) => () => (i % 2 === 0 ? a : b).check('AC1', pin)));
    // Let the wrong guesses finish first, then the right one.
    gate.open((pin) => pin !== RIGHT_PIN);
    await Promise.all(results.slice(0, 7).map((r) => r.catch(() => null)));
    gate.open(() => true);
    const outcomes = await Promise.all(results);

    const wrongCompared = gate.compared.filter((pin) => pin !== RIGHT_PIN);
    expect(wrongCompared.length).toBeLessThanOrEqual(MAX_ATTEMPTS);
    expect(outcomes[7]).toMatchObject({ result: 'locked' });
    expect(outcomes.filter((o) => o.result === 'ok')).toEqual([]);
    expect(await a.lockedFor('AC1')).toBeGreaterThan(0);
    // Still refused afterwards, on either instance, and nothing more is compared.
    const before = gate.compared.length;
    expect(await b.check('AC1', RIGHT_PIN)).toMatchObject({ result: 'locked' });
    expect(gate.compared.length).toBe(before);
  });

  it('a right PIN whose comparison is still running when another instance locks the account is refused', async () => {
    const gate = new GatedPasswords();
    const [a, b] = twoInstances(gate);
    const [right] = await startAll(gate, [() => a.check('AC2', RIGHT_PIN)]);
    await b.lock('AC2');
    gate.open(() => true);
    expect(await right).toMatchObject({ result: 'locked' });
  });

  it('racing wrong guesses cannot use up the attempt the right PIN holds while it is compared', async () => {
    const gate = new GatedPasswords();
    const [a, b] = twoInstances(gate);
    // One wrong try is already counted.
    const first = a.check('AC3', '999999');
    await gate.arrivals(1);
    gate.open(() => true);
    expect(await first).toEqual({ result: 'wrong', attemptsLeft: MAX_ATTEMPTS - 1 });

    // The right PIN is being compared (its attempt reserved) when three wrong guesses arrive at once on both instances.
    const right = a.check('AC3', RIGHT_PIN);
    await gate.arrivals(1);
    const wrong = await startAll(gate, [() => b.check('AC3', '000001'), () => a.check('AC3', '000002'), () => b.check('AC3', '000003')]);
    gate.open((pin) => pin !== RIGHT_PIN);
    await Promise.all(wrong.map((r) => r.catch(() => null)));
    gate.open(() => true);
    const outcomes = await Promise.all([right, ...wrong]);
    // The right PIN and one wrong guess fill the two attempts left; the other two are refused unchecked.
    expect(gate.compared.filter((pin) => pin !== RIGHT_PIN)).toHaveLength(MAX_ATTEMPTS - 1);
    expect(outcomes[0]).toEqual({ result: 'ok' });
    expect(await a.lockedFor('AC3')).toBe(0);
  });

  it('a comparison that fails (backend down) releases its attempt without counting it', async () => {
    const keyPrefix = `test:pw-race:${randomUUID()}`;
    let down = true;
    const customers = {
      verifyPassword: async (_a: string, pin: string) => {
        if (down) throw new Error('backend down');
        return pin === RIGHT_PIN;
      },
    } as unknown as CustomerData;
    const guard = new PasswordGuard({ redis: redisA, keyPrefix, customers, maxAttempts: MAX_ATTEMPTS, lockMinutes: 15 });
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) await expect(guard.check('AC4', '000001')).rejects.toThrow('backend down');
    down = false;
    expect(await guard.check('AC4', '000001')).toEqual({ result: 'wrong', attemptsLeft: MAX_ATTEMPTS - 1 });
    expect(await guard.check('AC4', RIGHT_PIN)).toEqual({ result: 'ok' });
  });
});
