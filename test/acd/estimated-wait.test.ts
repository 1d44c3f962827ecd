import { describe, expect, it } from 'vitest';
import { averageHandleTime, estimateWait } from '../../src/acd/estimated-wait.js';

describe('estimated wait', () => {
  it('is unknown (null) when nobody is staffed for the call', () => {
    expect(estimateWait({ position: 3, staffedAgents: 0, averageHandleMs: 180_000 })).toBeNull();
  });

  it('is unknown when there is no handle time to go by', () => {
    expect(estimateWait({ position: 3, staffedAgents: 4, averageHandleMs: null })).toBeNull();
  });

  it('is zero for a call being offered (position 0)', () => {
    expect(estimateWait({ position: 0, staffedAgents: 2, averageHandleMs: 180_000 })).toBe(0);
  });

  it('grows with the position and shrinks with the agents staffed', () => {
    expect(estimateWait({ position: 1, staffedAgents: 1, averageHandleMs: 120_000 })).toBe(120_000);
    expect(estimateWait({ position: 6, staffedAgents: 3, averageHandleMs: 120_000 })).toBe(240_000);
    expect(estimateWait({ position: 6, staffedAgents: 12, averageHandleMs: 120_000 })).toBe(60_000);
  });

  it('rejects impossible inputs', () => {
    expect(() => estimateWait({ position: -1, staffedAgents: 1, averageHandleMs: 1 })).toThrow(RangeError);
    expect(() => estimateWait({ position: 1, staffedAgents: Number.NaN, averageHandleMs: 1 })).toThrow(RangeError);
  });

  it('averages the most recent handle times, falling back to the default without history', () => {
    expect(averageHandleTime([], 20, 180_000)).toBe(180_000);
    expect(averageHandleTime([], 20, null)).toBeNull();
    expect(averageHandleTime([100, 200, 300, 10_000], 3, null)).toBe(200);
  });
});
