/** The bytes before the samples of a plain PCM WAV file (RIFF, fmt and data chunk headers). */
export const WAV_HEADER_BYTES = 44;

/**
 * A PCM WAV file of `ms` of silence, 16-bit mono at `sampleRate` (8 kHz by
 * default: what Asterisk writes for `wav`). Callers may fill the samples.
 */
export function silentWav(ms: number, sampleRate = 8000): Buffer {
  const dataBytes = Math.max(0, Math.round((ms * sampleRate) / 1000)) * 2;
  const buf = Buffer.alloc(WAV_HEADER_BYTES + dataBytes);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataBytes, 40);
  return buf;
}
