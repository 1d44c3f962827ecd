import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * docs/ari-facts.md lists, each with an id in brackets, what a real Asterisk 22
 * was seen to do over ARI. A fact the simulator does not reproduce is a place
 * where tests pass and production fails, so each one must be named by at least
 * one contract test here: a test title carrying `[<id>]`.
 */
const FACTS_FILE = 'docs/ari-facts.md';
const TEST_DIR = 'test/sim';

function factIds(): string[] {
  const text = readFileSync(FACTS_FILE, 'utf8');
  return [...text.matchAll(/^- \[([a-z0-9-]+)\]/gm)].map((m) => m[1] ?? '');
}

function testTitles(): string[] {
  return readdirSync(TEST_DIR)
    .filter((f) => f.endsWith('.test.ts'))
    .flatMap((f) => [...readFileSync(join(TEST_DIR, f), 'utf8').matchAll(/\b(?:it|test|describe)\(\s*(['"`])(.*?)\1/g)].map((m) => m[2] ?? ''));
}

describe('the contract tests cover every fact observed on a real Asterisk', () => {
  it('reads a fact list with unique ids', () => {
    const ids = factIds();
    expect(ids.length).toBeGreaterThan(20);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has at least one contract test naming each fact', () => {
    const titles = testTitles();
    const missing = factIds().filter((id) => !titles.some((t) => t.includes(`[${id}]`)));
    expect(missing).toEqual([]);
  });
});
