import { silentWav, WAV_HEADER_BYTES } from '../../../src/media/silent-wav.js';

/** A PCM WAV of silence (8 kHz, 16-bit mono, as Asterisk writes `wav`) lasting `ms`. */
export function silenceWav(ms: number): Buffer {
  const out = silentWav(ms);
  // A recognisable pattern rather than zeros, so a wrong range shows.
  for (let i = WAV_HEADER_BYTES; i < out.length; i++) out[i] = i % 251;
  return out;
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}
