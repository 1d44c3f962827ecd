import { open } from 'node:fs/promises';
import { AppError } from '../errors.js';

/** What a WAV file holds, read from its RIFF header. */
export interface WavInfo {
  /** 1 = PCM, 3 = IEEE float, 0xfffe = extensible, ... */
  format: number;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Bytes of audio in the data chunk. */
  dataBytes: number;
  durationMs: number;
}

/** Enough for the RIFF header plus the usual fmt/LIST/fact chunks ahead of the data. */
const HEADER_BYTES = 64 * 1024;
/** Streaming writers (espeak-ng --stdout) put a placeholder here because they cannot seek back. */
const UNKNOWN_SIZES = new Set([0, 0xffffffff, 0x7fffffff]);

/**
 * Parses the RIFF/WAVE header in `bytes` (the whole file or at least its first
 * chunks up to the data chunk's header). `fileSize` is the size of the whole file;
 * it bounds the data chunk, whose declared size is a placeholder or too large in
 * files written by a stream.
 */
export function parseWavHeader(bytes: Uint8Array, fileSize = bytes.length, source = 'wav data'): WavInfo {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string): never => {
    throw new AppError(422, 'invalid-wav', `${source} is not a usable WAV file: ${why}`, { source });
  };
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    fail('no RIFF/WAVE header');
  }
  let fmt: Omit<WavInfo, 'dataBytes' | 'durationMs'> & { byteRate: number } | null = null;
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) fail('fmt chunk is truncated');
      fmt = {
        format: buf.readUInt16LE(body),
        channels: buf.readUInt16LE(body + 2),
        sampleRate: buf.readUInt32LE(body + 4),
        byteRate: buf.readUInt32LE(body + 8),
        bitsPerSample: buf.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt) return fail('data chunk comes before the fmt chunk');
      if (fmt.byteRate === 0 || fmt.channels === 0 || fmt.sampleRate === 0) fail('fmt chunk has a zero rate or channel count');
      const available = Math.max(0, fileSize - body);
      const dataBytes = UNKNOWN_SIZES.has(size) || size > available ? available : size;
      const { byteRate, ...rest } = fmt;
      return { ...rest, dataBytes, durationMs: (dataBytes / byteRate) * 1000 };
    }
    // Chunks are padded to an even length.
    offset = body + size + (size & 1);
  }
  return fail(fmt ? 'no data chunk' : 'no fmt chunk');
}

/** Reads the header of a WAV file (not the audio) and returns its format and duration. */
export async function readWavInfo(path: string): Promise<WavInfo> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new AppError(404, 'no-such-wav', `cannot open WAV file ${path}: ${(err as Error).message}`, { file: path });
  }
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, HEADER_BYTES));
    await handle.read(head, 0, head.length, 0);
    return parseWavHeader(head, size, path);
  } finally {
    await handle.close();
  }
}

/** Duration of a WAV file in milliseconds. */
export async function wavDurationMs(path: string): Promise<number> {
  return (await readWavInfo(path)).durationMs;
}
