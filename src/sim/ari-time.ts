/**
 * ARI timestamps: ISO-8601 with milliseconds and a numeric UTC offset, the way
 * Asterisk formats them (`2026-11-22T00:45:07.485+0000`). JavaScript's Date parses them.
 */
export function ariTimestamp(date: Date = new Date()): string {
  return date.toISOString().replace('Z', '+0000');
}
