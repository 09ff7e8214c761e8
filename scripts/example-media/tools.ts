/**
 * External programs used by the generator: espeak-ng (speech) and ffmpeg (resampling espeak's
 * 22.05 kHz output, and encoding the MOV/AAC, MP3 and FLAC files).
 */
import { spawn } from 'node:child_process';
import { findFfmpeg } from '../../src/audio/ffmpeg-binary.js';

/** Runs a program, feeding `input` to its stdin; resolves with its stdout, rejects with its stderr. */
export function run(cmd: string, args: string[], input?: Buffer | Iterable<Buffer>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${Buffer.concat(err).toString().slice(-2000)}`));
    });
    child.stdin.on('error', () => undefined); // a failing child closes stdin early; 'close' reports it
    if (input === undefined) {
      child.stdin.end();
    } else if (Buffer.isBuffer(input)) {
      child.stdin.end(input);
    } else {
      const chunks = input[Symbol.iterator]();
      const pump = (): void => {
        for (let c = chunks.next(); !c.done; c = chunks.next()) {
          if (!child.stdin.write(c.value)) {
            child.stdin.once('drain', pump);
            return;
          }
        }
        child.stdin.end();
      };
      pump();
    }
  });
}

let ffmpegPath: string | null = null;
export async function ffmpeg(args: string[], input?: Buffer | Iterable<Buffer>): Promise<Buffer> {
  ffmpegPath ??= await findFfmpeg();
  return run(ffmpegPath, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], input);
}

export async function ffmpegVersion(): Promise<string> {
  const out = await ffmpeg(['-version']).catch(() => Buffer.from(''));
  return (out.toString().split('\n')[0] ?? '').replace(/\s+(https?:|Copyright).*$/, '');
}

export async function espeakVersion(): Promise<string> {
  try {
    return (await run('espeak-ng', ['--version'])).toString().split('Data at:')[0]!.trim();
  } catch {
    throw new Error(
      'espeak-ng is needed to synthesise the dialogue: install it with `apt-get install -y espeak-ng` (Debian/Ubuntu)',
    );
  }
}

/** Interleaves planar float channels into little-endian f32 bytes (for piping into ffmpeg). */
export function interleaveF32(channels: Float32Array[]): Buffer {
  const n = channels[0]!.length;
  const c = channels.length;
  const out = Buffer.alloc(n * c * 4);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) out.writeFloatLE(channels[ch]![i]!, (i * c + ch) * 4);
  }
  return out;
}

/** Little-endian f32 bytes to a Float32Array (mono). */
export function f32FromBytes(b: Buffer): Float32Array {
  const y = new Float32Array(b.length >> 2);
  for (let i = 0; i < y.length; i++) y[i] = b.readFloatLE(i * 4);
  return y;
}
