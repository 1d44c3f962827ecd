import { normalisePhone } from '../customers/customer-data.js';
import { isWithheldWord } from '../customers/withheld-number.js';
import type { Rejection, Target } from './campaign.js';

/** What a row needs to be a number we can dial: 5 to 20 digits once normalised. */
const DIALLABLE = /^\d{5,20}$/;

/**
 * Reads an uploaded list, one number a line: `number[,amount[,account]]`,
 * with an optional header line naming the columns (`number,amount,account`).
 * Blank lines are skipped. Each row is checked on its own and a bad one is
 * reported with its line (counted from 1, the header included) and never
 * dialled: a withheld or malformed number, a malformed amount, a number
 * already listed above (the first row is kept).
 */
export function parseTargetCsv(text: string): { targets: Target[]; rejected: Rejection[] } {
  const targets: Target[] = [];
  const rejected: Rejection[] = [];
  const seen = new Set<string>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const cells = raw.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1').trim());
    if (line === 1 && /^[a-z_ ]+$/i.test(cells[0] ?? '') && (cells[0] ?? '').toLowerCase().includes('number')) return;
    const written = cells[0] ?? '';
    if (isWithheldWord(written)) {
      rejected.push({ line, number: written, reason: 'withheld' });
      return;
    }
    const number = normalisePhone(written);
    const amountCell = cells[1] ?? '';
    const amount = amountCell === '' ? null : Number(amountCell);
    if (!DIALLABLE.test(number) || /[^\d\s+()-]/.test(written) || cells.length > 3 || (amount !== null && !Number.isFinite(amount))) {
      rejected.push({ line, number: written, reason: 'malformed' });
      return;
    }
    if (seen.has(number)) {
      rejected.push({ line, number: written, reason: 'duplicate' });
      return;
    }
    seen.add(number);
    targets.push({ number, line, accountId: cells[2] || null, amountDue: amount, lang: null });
  });
  return { targets, rejected };
}

/** Moves the targets on the do-not-call list to the rejected, reported with their line. */
export function withoutDoNotCall(list: { targets: Target[]; rejected: Rejection[] }, onList: ReadonlySet<string>): { targets: Target[]; rejected: Rejection[] } {
  const targets: Target[] = [];
  const rejected = [...list.rejected];
  for (const t of list.targets) {
    if (onList.has(t.number)) rejected.push({ line: t.line, number: t.number, reason: 'do-not-call' });
    else targets.push(t);
  }
  rejected.sort((a, b) => a.line - b.line);
  return { targets, rejected };
}
