import { describe, expect, it } from 'vitest';
import { erlangC } from '../../src/whatif/erlang-c.js';

describe('the Erlang C formula', () => {
  it('gives the two-server queue its closed form: P(wait) = 2ρ²/(1+ρ)', () => {
    // M/M/2 at ρ = 0.5 (1 Erlang on 2 agents): 2·0.25/1.5 = 1/3.
    expect(erlangC(3600, 1, 2, 0).waitProbability).toBeCloseTo(1 / 3, 12);
  });

  it('matches the published worked example: 100 calls per half hour, 3-minute handle time, 80% in 20 s', () => {
    // 200 calls/h × 180 s = 10 Erlangs. With 11 agents the example gives a 68.21% chance
    // of waiting, 39.0% answered within 20 s and an ASA of 122.8 s; 14 agents reach 88.8%.
    const eleven = erlangC(200, 180, 11, 20);
    expect(eleven.erlangs).toBe(10);
    expect(eleven.waitProbability).toBeCloseTo(0.6821, 4);
    expect(eleven.serviceLevel).toBeCloseTo(0.390, 3);
    expect(eleven.asaSec).toBeCloseTo(122.8, 1);
    expect(erlangC(200, 180, 14, 20).serviceLevel).toBeCloseTo(0.888, 3);
  });

  it('matches the textbook curve value: 6 Erlangs on 10 servers wait with probability about 0.10', () => {
    // 120 customers an hour, 3 minutes each, 10 assistants.
    expect(erlangC(120, 180, 10, 0).waitProbability).toBeCloseTo(0.1013, 4);
  });

  it('refuses a load the agents cannot carry', () => {
    expect(() => erlangC(200, 180, 10, 20)).toThrow(RangeError);
  });
});
