import { readFile } from 'node:fs/promises';
import { parseWavHeader } from '../../src/media/wav-duration.js';

/** Where a prompt file speaks and where it is silent, in 10 ms frames. */
export interface SpeechShape {
  durationMs: number;
  /** From the first to the last frame with speech. */
  spokenMs: number;
  leadingSilenceMs: number;
  trailingSilenceMs: number;
  /** Silent runs between words, longest first. */
  pausesMs: number[];
}

const FRAME_MS = 10;
/** A frame is speech when its level is within 34 dB of the loudest frame's. */
const SPEECH_LEVEL = 0.02;

/** Reads an 8 kHz (or any rate) mono 16-bit PCM WAV file and finds its speech and silences. */
export async function speechShape(file: string): Promise<SpeechShape> {
  const bytes = await readFile(file);
  const info = parseWavHeader(bytes, bytes.length, file);
  if (info.format !== 1 || info.channels !== 1 || info.bitsPerSample !== 16) throw new Error(`${file}: not mono 16-bit PCM`);
  const dataStart = bytes.indexOf('data') + 8;
  const samples = info.dataBytes / 2;
  const frameSamples = (info.sampleRate * FRAME_MS) / 1000;
  const levels: number[] = [];
  for (let start = 0; start + frameSamples <= samples; start += frameSamples) {
    let sum = 0;
    for (let i = start; i < start + frameSamples; i++) sum += bytes.readInt16LE(dataStart + 2 * i) ** 2;
    levels.push(Math.sqrt(sum / frameSamples));
  }
  const loudest = Math.max(...levels);
  const speech = levels.map((level) => loudest > 0 && level >= loudest * SPEECH_LEVEL);
  const first = speech.indexOf(true);
  const last = speech.lastIndexOf(true);
  const pausesMs: number[] = [];
  let run = 0;
  for (let i = first; i <= last; i++) {
    if (speech[i]) {
      if (run > 0) pausesMs.push(run * FRAME_MS);
      run = 0;
    } else run++;
  }
  return {
    durationMs: info.durationMs,
    spokenMs: first < 0 ? 0 : (last - first + 1) * FRAME_MS,
    leadingSilenceMs: first < 0 ? info.durationMs : first * FRAME_MS,
    trailingSilenceMs: first < 0 ? info.durationMs : info.durationMs - (last + 1) * FRAME_MS,
    pausesMs: pausesMs.sort((a, b) => b - a),
  };
}
