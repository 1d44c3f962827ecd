import { silentWav } from '../../src/media/silent-wav.js';

/** A silent 8 kHz mono 16-bit WAV of the given length, as a recording studio would deliver. */
export function wav8k(seconds: number): Buffer {
  return silentWav(seconds * 1000);
}
