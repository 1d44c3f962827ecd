/**
 * What a playback media URI plays, as Asterisk's playback resource treats it
 * (res_stasis_playback.c): `sound:` one file, `digits:` and `characters:` one
 * file per character, `number:` the words of the number, `tone:` an indication
 * that plays until stopped. Anything else cannot be played.
 */
export type MediaPlan =
  | { kind: 'sounds'; names: string[] }
  | { kind: 'endless' }
  | { kind: 'unplayable'; reason: string };

export function planMedia(uri: string): MediaPlan {
  const colon = uri.indexOf(':');
  const scheme = colon > 0 ? uri.slice(0, colon) : '';
  const rest = uri.slice(colon + 1);
  switch (scheme) {
    case 'sound':
      return rest ? { kind: 'sounds', names: [rest] } : { kind: 'unplayable', reason: 'empty sound name' };
    case 'digits':
      return { kind: 'sounds', names: [...rest].map(digitSound).filter((n): n is string => n !== null) };
    case 'characters':
      return { kind: 'sounds', names: [...rest].map(characterSound).filter((n): n is string => n !== null) };
    case 'number': {
      const match = /^\s*([+-]?\d+)/.exec(rest);
      if (!match?.[1]) return { kind: 'unplayable', reason: `number ${JSON.stringify(rest)} is invalid` };
      return { kind: 'sounds', names: numberSounds(Number.parseInt(match[1], 10)) };
    }
    case 'tone':
      return { kind: 'endless' };
    case 'recording':
      return { kind: 'unplayable', reason: `recording ${JSON.stringify(rest)} does not exist` };
    default:
      return { kind: 'unplayable', reason: `scheme of ${JSON.stringify(uri)} is unsupported` };
  }
}

/** `sound:silence/3` is three seconds even when the sounds directory lacks the silence files. */
export function silenceMs(name: string): number | null {
  const match = /^silence\/(\d+)$/.exec(name);
  return match?.[1] ? Number.parseInt(match[1], 10) * 1000 : null;
}

function digitSound(char: string): string | null {
  if (/[0-9]/.test(char)) return `digits/${char}`;
  if (char === '*') return 'digits/star';
  if (char === '#') return 'digits/pound';
  return null;
}

function characterSound(char: string): string | null {
  const lower = char.toLowerCase();
  if (/[a-z]/.test(lower)) return `letters/${lower}`;
  return digitSound(char);
}

/** The files ast_say_number plays for `n` (its English rules). */
export function numberSounds(n: number): string[] {
  if (n < 0) return ['digits/minus', ...numberSounds(-n)];
  if (n < 20) return [`digits/${n}`];
  if (n < 100) {
    const units = n % 10;
    return units ? [`digits/${n - units}`, `digits/${units}`] : [`digits/${n}`];
  }
  const groups: Array<[number, string]> = [[1_000_000_000, 'digits/billion'], [1_000_000, 'digits/million'], [1000, 'digits/thousand'], [100, 'digits/hundred']];
  for (const [size, word] of groups) {
    if (n >= size) {
      const head = Math.floor(n / size);
      const tail = n % size;
      return [...numberSounds(head), word, ...(tail ? numberSounds(tail) : [])];
    }
  }
  return [`digits/${n}`];
}
