/**
 * Seeded pseudo-random numbers for the example-media generator.
 *
 * Every noise source gets its own stream, seeded from a name (`rng('boom/hiss')`), so changing
 * one part of the scene never shifts the random numbers used by another part. The generator is
 * sfc32 (small fast counter, 32-bit state words): plain integer arithmetic, identical on every
 * platform and Node version.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Standard normal (Box-Muller). */
  gauss(): number;
  /** +1 or -1. */
  sign(): number;
}

/** FNV-1a hash of a string, 32-bit. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function rng(name: string, seed = 12): Rng {
  let a = hash32(`dubstage-example-media/${seed}/${name}`);
  let b = hash32(`${name}#b`);
  let c = hash32(`${name}#c`);
  let d = 1;
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 15; i++) u32();
  let spare: number | null = null;
  const next = (): number => u32() / 4294967296;
  return {
    next,
    range: (lo, hi) => lo + (hi - lo) * next(),
    gauss: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = next();
      while (u <= 1e-12) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    sign: () => (next() < 0.5 ? -1 : 1),
  };
}
