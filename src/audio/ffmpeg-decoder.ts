import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { DubstageError, MediaFormatError } from '../errors.js';
import { channelNamesForMask, defaultChannelNames, maskForFfmpegLayout } from './channel-layout.js';
import { findFfmpeg, findFfprobe } from './ffmpeg-binary.js';
import { decodePcm } from './pcm-codec.js';
import type { AudioReader } from './reader.js';
import type { AudioFileInfo } from './types.js';

/** What ffprobe tells about a non-WAV file, before decoding. */
export interface ProbedMedia {
  info: Omit<AudioFileInfo, 'startTimecode' | 'timecodeRate' | 'timeReferenceSamples'>;
  streamIndex: number;
  /** Start timecode tag of a MOV/MP4/MXF (tmcd track or container tag), with the video frame rate. */
  timecode: { label: string; frameRate: string | null } | null;
}

interface ProbeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  sample_fmt?: string;
  sample_rate?: string;
  channels?: number;
  channel_layout?: string;
  bits_per_sample?: number;
  bits_per_raw_sample?: string;
  duration_ts?: number;
  time_base?: string;
  duration?: string;
  r_frame_rate?: string;
  tags?: Record<string, string>;
}

const PROBE_TIMEOUT_MS = 60_000;

function runCapture(binary: string, args: string[], file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    child.stdout.on('data', (d: Buffer) => {
      outBytes += d.length;
      if (outBytes < 64 << 20) out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => err.length < 1000 && err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new DubstageError('io', `cannot run ${binary}: ${e.message}`, file));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  const line = lines[lines.length - 1] ?? 'unknown error';
  return line.replace(/^.*?:\s*/, '').slice(0, 200);
}

function depthOf(stream: ProbeStream): { bitDepth: number; sampleFormat: 'int' | 'float' } {
  const raw = Number(stream.bits_per_raw_sample ?? 0);
  const fmt = stream.sample_fmt ?? '';
  if (fmt.startsWith('flt')) return { bitDepth: 32, sampleFormat: 'float' };
  if (fmt.startsWith('dbl')) return { bitDepth: 64, sampleFormat: 'float' };
  if (raw > 0) return { bitDepth: raw, sampleFormat: 'int' };
  if (stream.bits_per_sample) return { bitDepth: stream.bits_per_sample, sampleFormat: 'int' };
  if (fmt.startsWith('s16')) return { bitDepth: 16, sampleFormat: 'int' };
  if (fmt.startsWith('s32')) return { bitDepth: 32, sampleFormat: 'int' };
  if (fmt.startsWith('u8')) return { bitDepth: 8, sampleFormat: 'int' };
  return { bitDepth: 32, sampleFormat: 'float' };
}

function parseRatio(text: string | undefined): number | null {
  if (!text) return null;
  const [n, d] = text.split('/').map(Number);
  if (n === undefined || !Number.isFinite(n)) return null;
  const den = d === undefined ? 1 : d;
  return den > 0 ? n / den : null;
}

export async function probeWithFfmpeg(file: string): Promise<ProbedMedia> {
  const ffprobe = await findFfprobe();
  const result = await runCapture(ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '--', file], file);
  if (result.code !== 0) {
    throw new MediaFormatError(file, `not a readable audio or video file (${lastLine(result.stderr)})`);
  }
  let parsed: { streams?: ProbeStream[]; format?: { format_name?: string; tags?: Record<string, string> } };
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new MediaFormatError(file, 'ffprobe returned unreadable output');
  }
  const streams = parsed.streams ?? [];
  const audio = streams.find((s) => s.codec_type === 'audio');
  if (!audio) throw new MediaFormatError(file, 'has no audio stream');
  const sampleRate = Number(audio.sample_rate ?? 0);
  const channels = audio.channels ?? 0;
  if (!(sampleRate >= 1000 && sampleRate <= 768000)) throw new MediaFormatError(file, `sample rate ${sampleRate} Hz is not plausible`);
  if (!(channels >= 1 && channels <= 1024)) throw new MediaFormatError(file, `${channels} channels is not plausible`);
  const seconds =
    audio.duration_ts !== undefined && parseRatio(audio.time_base) !== null
      ? audio.duration_ts * parseRatio(audio.time_base)!
      : Number(audio.duration ?? 0);
  const frames = Number.isFinite(seconds) ? Math.round(seconds * sampleRate) : 0;
  const mask = audio.channel_layout ? maskForFfmpegLayout(audio.channel_layout) : null;
  const { bitDepth, sampleFormat } = depthOf(audio);
  const formatName = parsed.format?.format_name ?? 'unknown';
  const container = formatName.startsWith('mov,mp4') ? (/\.mov$/i.test(file) ? 'mov' : 'mp4') : formatName.split(',')[0]!;

  let timecode: ProbedMedia['timecode'] = null;
  const video = streams.find((s) => s.codec_type === 'video' && !(s.codec_name ?? '').includes('png'));
  for (const s of [...streams, { tags: parsed.format?.tags } as ProbeStream]) {
    const tc = s.tags?.timecode;
    if (tc) {
      timecode = { label: tc, frameRate: video?.r_frame_rate ?? s.r_frame_rate ?? null };
      break;
    }
  }
  return {
    streamIndex: audio.index,
    timecode,
    info: {
      file,
      container,
      codec: audio.codec_name ?? 'unknown',
      sampleRate,
      bitDepth,
      sampleFormat,
      channels,
      channelLayout: mask !== null && channelNamesForMask(mask, channels).length === channels ? channelNamesForMask(mask, channels) : defaultChannelNames(channels),
      channelMask: mask,
      frames,
      durationSeconds: frames / sampleRate,
      bext: null,
      ixml: null,
      info: null,
      chunks: [],
      warnings: [],
    },
  };
}

/** Streams 32-bit float PCM out of an ffmpeg child process, with backpressure from `read()`. */
export class FfmpegReader implements AudioReader {
  readonly info: AudioFileInfo;
  #child: ChildProcessByStdio<null, Readable, Readable>;
  #iterator: AsyncIterator<Buffer>;
  #scratch: Buffer;
  #scratchBytes = 0;
  #pending: Buffer | null = null;
  #pendingPos = 0;
  #stderr = '';
  #exit: Promise<number>;
  #ended = false;

  private constructor(info: AudioFileInfo, child: ChildProcessByStdio<null, Readable, Readable>) {
    this.info = info;
    this.#child = child;
    this.#iterator = child.stdout[Symbol.asyncIterator]();
    this.#scratch = Buffer.allocUnsafeSlow(info.channels * 4 * 16384);
    child.stderr.on('data', (d: Buffer) => {
      if (this.#stderr.length < 8192) this.#stderr += d.toString('utf8');
    });
    this.#exit = new Promise((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  }

  static async open(info: AudioFileInfo, streamIndex: number): Promise<FfmpegReader> {
    const ffmpeg = await findFfmpeg();
    const child = spawn(
      ffmpeg,
      ['-nostdin', '-v', 'error', '-i', info.file, '-map', `0:${streamIndex}`, '-vn', '-f', 'f32le', '-acodec', 'pcm_f32le', '-ac', String(info.channels), '-ar', String(info.sampleRate), 'pipe:1'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (e) => reject(new DubstageError('io', `cannot run ffmpeg: ${e.message}`, info.file)));
    });
    return new FfmpegReader(info, child);
  }

  async read(out: Float32Array[], maxFrames: number, outOffset = 0): Promise<number> {
    const channels = this.info.channels;
    const frameBytes = channels * 4;
    const scratchFrames = this.#scratch.length / frameBytes;
    let done = 0;
    while (done < maxFrames && !this.#ended) {
      // Fill the aligned scratch buffer with whole frames from the pipe's chunks.
      const wantBytes = Math.min(maxFrames - done, scratchFrames) * frameBytes;
      while (this.#scratchBytes < wantBytes) {
        if (this.#pending === null || this.#pendingPos >= this.#pending.length) {
          const next = await this.#iterator.next();
          if (next.done) {
            this.#ended = true;
            break;
          }
          this.#pending = next.value;
          this.#pendingPos = 0;
        }
        const take = Math.min(wantBytes - this.#scratchBytes, this.#pending.length - this.#pendingPos);
        this.#pending.copy(this.#scratch, this.#scratchBytes, this.#pendingPos, this.#pendingPos + take);
        this.#pendingPos += take;
        this.#scratchBytes += take;
      }
      const frames = Math.floor(this.#scratchBytes / frameBytes);
      if (frames > 0) {
        decodePcm(this.#scratch, frames, channels, { sampleFormat: 'float', bytesPerSample: 4 }, out, outOffset + done);
        const used = frames * frameBytes;
        this.#scratch.copy(this.#scratch, 0, used, this.#scratchBytes);
        this.#scratchBytes -= used;
        done += frames;
      }
    }
    if (this.#ended && done === 0) {
      const code = await this.#exit;
      if (code !== 0) throw new MediaFormatError(this.info.file, `decode failed (${lastLine(this.#stderr)})`);
    }
    return done;
  }

  async close(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGKILL');
    }
    this.#child.stdout.destroy();
    await this.#exit;
  }
}
