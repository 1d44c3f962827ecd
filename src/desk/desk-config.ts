import { z } from 'zod';
import { intField } from '../routing/config-fields.js';

/** A choice the desk offers (a pause reason, a disposition): a code kept in records, and its label in both languages. */
const choiceSchema = z.object({
  code: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be lower-case letters, digits and dashes, starting with a letter'),
  zh: z.string().trim().min(1).max(32),
  en: z.string().trim().min(1).max(48),
}).strict();

export type DeskChoice = z.infer<typeof choiceSchema>;

function choices(what: string) {
  return z.array(choiceSchema).min(1, `at least one ${what}`).max(30)
    .refine((list) => new Set(list.map((c) => c.code)).size === list.length, `each ${what} code must be different`);
}

const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour such as #f5c542');

/**
 * The `desk:` section: the agents' desk (/desk). The pause reasons an agent
 * may choose and the dispositions a call may be closed with are lists, each
 * a code (what records and statistics keep) with its Chinese and English
 * label; the tiers' colours are those the screen pop shows. `signIn` is the
 * PIN sign-in: wrong PINs in a row before the agent's sign-in is locked, for
 * how long, and how long a session lasts. `recentCalls` is how many of an
 * agent's last calls the desk lists (none of them shows the customer: only
 * the current call does).
 */
export const deskConfigSchema = z.object({
  pauseReasons: choices('pause reason').default([
    { code: 'break', zh: '休息', en: 'Break' },
    { code: 'lunch', zh: '用餐', en: 'Lunch' },
    { code: 'training', zh: '培训', en: 'Training' },
    { code: 'meeting', zh: '会议', en: 'Meeting' },
    { code: 'after-call-work', zh: '整理工单', en: 'After-call work' },
  ]),
  dispositions: choices('disposition').default([
    { code: 'resolved', zh: '已解决', en: 'Resolved' },
    { code: 'info-given', zh: '咨询已答复', en: 'Information given' },
    { code: 'follow-up', zh: '需跟进', en: 'Needs follow-up' },
    { code: 'complaint', zh: '投诉已受理', en: 'Complaint taken' },
    { code: 'sale', zh: '业务办理', en: 'Sale / change made' },
    { code: 'wrong-number', zh: '打错电话', en: 'Wrong number' },
  ]),
  tierColours: z.object({ diamond: colour, gold: colour, silver: colour, standard: colour }).strict()
    .default({ diamond: '#6fd3ff', gold: '#f5c542', silver: '#c3ccd6', standard: '#8fa1b5' }),
  signIn: z.object({
    maxAttempts: intField(1, 20).default(5),
    lockMinutes: intField(1, 1440).default(15),
    sessionHours: intField(1, 24).default(8),
  }).strict().prefault({}),
  recentCalls: intField(1, 50).default(10),
}).strict();

export type DeskConfig = z.infer<typeof deskConfigSchema>;
