import type { z } from 'zod';

export interface FieldIssue {
  /** Dotted key of the offending field, e.g. tiers.gold.queuePriority. */
  field: string;
  message: string;
}

/** zod issues as field/message pairs, for errors that name the key at fault. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix?: string): FieldIssue[] {
  return issues.map((issue) => {
    const path = issue.path.map(String);
    const field = [prefix, ...path].filter((part) => part !== undefined && part !== '').join('.');
    return { field: field || '(whole value)', message: issue.message };
  });
}
