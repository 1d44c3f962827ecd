import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseWavHeader, readWavInfo } from '../../src/media/wav-duration.js';
import { wav8k } from './wav-fixture.js';

let dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-wav-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

describe('WAV header reader', () => {
  it('reads format and duration, and bounds a streamed data size by the file size', () => {
    const wav = wav8k(0.25);
    expect(parseWavHeader(wav)).toMatchObject({ format: 1, sampleRate: 8000, channels: 1, bitsPerSample: 16, dataBytes: 4000, durationMs: 250 });
    // A writer that cannot seek back leaves 0xffffffff as the data size.
    const streamed = Buffer.from(wav);
    streamed.writeUInt32LE(0xffffffff, 40);
    expect(parseWavHeader(streamed).durationMs).toBe(250);
  });

  it('skips chunks before the data (LIST) and refuses what is not a WAV', () => {
    const wav = wav8k(0.5);
    const list = Buffer.concat([Buffer.from('LIST'), u32(3), Buffer.from([1, 2, 3, 0])]);
    const withList = Buffer.concat([wav.subarray(0, 36), list, wav.subarray(36)]);
    expect(parseWavHeader(withList).durationMs).toBe(500);
    expect(() => parseWavHeader(Buffer.from('not a wav file at all'))).toThrow(/no RIFF\/WAVE header/);
    expect(() => parseWavHeader(wav.subarray(0, 36))).toThrow(/no data chunk/);
  });

  it('reports a missing file by its path', async () => {
    await expect(readWavInfo('/nonexistent/x.wav')).rejects.toMatchObject({ code: 'no-such-wav' });
  });

  it('reads a file written to disk', async () => {
    const dir = tempDir();
    const file = join(dir, 'a', 'b.wav');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, wav8k(2));
    expect((await readWavInfo(file)).durationMs).toBe(2000);
  });
});

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}
