import type { Survey } from '../../../src/care/survey-store.js';

/** What the switch and Redis say about one survey after a run. */
export interface SurveyEvidence {
  survey: Survey;
  /** The customer legs the switch carried out for the survey's number, in order. */
  legs: readonly SurveyLeg[];
  /** `survey-answered` events in the handled call's record. */
  answersRecorded: number;
}

export interface SurveyLeg {
  /** The channel id: `<surveyId>-d<attempt>` for a dial the survey made. */
  id: string;
  rungAt: number;
  /** When the customer's phone answered; null when it never did. */
  answeredAt: number | null;
  /** When the switch destroyed the channel; null when it never did. */
  endedAt: number | null;
}

export interface SurveyVerdict {
  surveys: number;
  /** Customer legs the switch rang, and how many of them the customer answered. */
  dials: number;
  dialsAnswered: number;
  /** Answered once, with the score the customer pressed. */
  answered: number;
  /** A dial made twice, a dial of no claimed attempt, a further attempt after one the customer answered, or legs to the customer at once. */
  doubleDials: number;
  /** Not answered when the run ended. */
  lost: number;
  /** Further attempts (each after an attempt the customer never answered). */
  retries: number;
  problems: string[];
}

/**
 * Judges each survey from the switch first. A survey's dials are named after
 * its attempts (`<id>-d<n>`, claimed in Redis before the dial), so:
 * - a leg originated twice, or a leg of an attempt the survey never reached,
 *   is a double dial;
 * - a further attempt is fair only when the one before rang and was never
 *   answered (here customers always answer: the switch failed it); after an
 *   answered attempt it is the customer called again;
 * - two legs to the customer alive at once are a double dial;
 * - the survey must end answered, with the score pressed, recorded once.
 */
export function judgeSurveys(evidence: readonly SurveyEvidence[], expectedScore: number): SurveyVerdict {
  const verdict: SurveyVerdict = { surveys: evidence.length, dials: 0, dialsAnswered: 0, answered: 0, doubleDials: 0, lost: 0, retries: 0, problems: [] };
  for (const { survey, legs, answersRecorded } of evidence) {
    const problems: string[] = [];
    let double = false;
    verdict.dials += legs.length;
    verdict.dialsAnswered += legs.filter((l) => l.answeredAt !== null).length;
    const seen = new Set<string>();
    for (const leg of legs) {
      if (seen.has(leg.id)) {
        problems.push(`${leg.id} dialled more than once`);
        double = true;
      }
      seen.add(leg.id);
      const n = Number(/-d(\d+)$/.exec(leg.id)?.[1] ?? Number.NaN);
      if (!leg.id.startsWith(`${survey.id}-d`) || !(n >= 1 && n <= survey.attempts)) {
        problems.push(`${leg.id} belongs to no claimed attempt (attempts: ${survey.attempts})`);
        double = true;
      }
    }
    const ordered = [...legs].sort((a, b) => a.rungAt - b.rungAt);
    for (let i = 1; i < ordered.length; i++) {
      const before = ordered[i - 1]!;
      const next = ordered[i]!;
      if (before.id === next.id) continue;
      verdict.retries++;
      if (before.answeredAt !== null) {
        problems.push(`${next.id} dialled after ${before.id}, which the customer answered`);
        double = true;
      }
      if (before.endedAt === null || before.endedAt > next.rungAt) {
        problems.push(`${next.id} rung while ${before.id} was still up`);
        double = true;
      }
    }
    if (double) verdict.doubleDials++;
    if (answersRecorded > 1) {
      problems.push(`answer recorded ${answersRecorded} times`);
      if (!double) verdict.doubleDials++;
    }
    if (survey.state === 'answered' && survey.score === expectedScore && answersRecorded === 1) {
      verdict.answered++;
    } else {
      if (survey.state !== 'answered') verdict.lost++;
      problems.push(`ended ${survey.state} after ${survey.attempts} attempts, score ${survey.score ?? 'none'}, answer recorded ${answersRecorded} times`);
    }
    if (problems.length) verdict.problems.push(`${survey.id} (${survey.number}): ${problems.join('; ')}`);
  }
  return verdict;
}
