import type { TierId } from '../routing/types.js';
import type { SeededRandom } from './seeded-random.js';
import type { SimCall } from './sim-call.js';
import type { ForecastSource } from './whatif-request.js';

export const QUARTER_HOUR_MS = 15 * 60_000;

/**
 * The callers of a forecast. A forecast's count is the expected number of
 * calls of a need and tier in a quarter-hour; the calls come as a Poisson
 * stream at that rate (independent exponential gaps, so the actual count
 * varies around the forecast as real traffic does), handle time and
 * patience drawn from the forecast's distributions.
 */
export function forecastCalls(source: ForecastSource, random: SeededRandom): SimCall[] {
  const start = Date.parse(source.start);
  const calls: SimCall[] = [];
  let n = 0;
  for (const row of source.arrivals) {
    row.perQuarterHour.forEach((expected, quarter) => {
      if (expected <= 0) return;
      const from = start + quarter * QUARTER_HOUR_MS;
      const meanGap = QUARTER_HOUR_MS / expected;
      for (let at = from + random.exponential(meanGap); at < from + QUARTER_HOUR_MS; at += random.exponential(meanGap)) {
        calls.push({
          id: `fc-${++n}`,
          at: Math.floor(at),
          dialled: '10000',
          tier: row.tier as TierId,
          need: row.need,
          important: false,
          talkMs: Math.max(1000, Math.round(draw(source.handleTime, random) * 1000)),
          patienceMs: source.patience.meanSec === null ? null : Math.round(draw({ ...source.patience, meanSec: source.patience.meanSec }, random) * 1000),
          callbackAfterMs: null,
          takesCallbackOffer: source.callbackTakeRate > 0 && random.next() < source.callbackTakeRate,
        });
      }
    });
  }
  calls.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  return calls;
}

/** The forecast's length: its longest row of quarter-hours. */
export function forecastEnd(source: ForecastSource): number {
  const quarters = Math.max(...source.arrivals.map((r) => r.perQuarterHour.length));
  return Date.parse(source.start) + quarters * QUARTER_HOUR_MS;
}

function draw(d: { meanSec: number; distribution: 'exponential' | 'lognormal' | 'fixed'; cv: number }, random: SeededRandom): number {
  switch (d.distribution) {
    case 'fixed':
      return d.meanSec;
    case 'lognormal':
      return random.logNormal(d.meanSec, d.cv);
    case 'exponential':
      return random.exponential(d.meanSec);
  }
}
