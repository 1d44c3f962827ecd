import type { CallerID } from '../ari/models.js';

/**
 * Parses an originate `callerId` the way ast_callerid_parse does:
 * `"Name" <number>`, `Name <number>`, a bare number, or a bare name.
 * Phone numbers lose the formatting characters Asterisk strips
 * (`(555) 123-4567` → `5551234567`).
 */
export function parseCallerId(input: string | undefined): CallerID {
  const text = (input ?? '').trim();
  if (!text) return { name: '', number: '' };
  const angle = /^(.*?)\s*<([^>]*)>\s*$/.exec(text);
  if (angle) return { name: unquote(angle[1] ?? ''), number: shrink(angle[2] ?? '') };
  if (/^[0-9+*#()\-.\s]+$/.test(text) && /\d/.test(text)) return { name: '', number: shrink(text) };
  return { name: unquote(text), number: '' };
}

function unquote(name: string): string {
  const trimmed = name.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
}

function shrink(number: string): string {
  const trimmed = number.trim();
  return /^[0-9+*#()\-.\s]+$/.test(trimmed) ? trimmed.replace(/[()\-.\s]/g, '') : trimmed;
}
