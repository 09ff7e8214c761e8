import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatChannels, routeGains, routeGainsXY } from '../src/render/routing.js';

const H = Math.SQRT1_2;
const EPS = 1e-12;
// 5.1 channel indices (WAV/SMPTE order).
const L = 0;
const R = 1;
const C = 2;
const LFE = 3;
const LS = 4;
const RS = 5;

const gains = (S: number, D: number, x: number, y = 1): Float64Array => routeGainsXY(S, D, x, y, new Float64Array(S * D));
const dB = (g: number): number => 20 * Math.log10(g);

/** Asserts a mono → 5.1 column: the listed channels at the given gains, every other channel ≈ 0. */
function column(m: Float64Array, want: Partial<Record<number, number>>, what: string): void {
  for (let ch = 0; ch < 6; ch++) {
    const w = want[ch] ?? 0;
    assert.ok(Math.abs(m[ch]! - w) < EPS, `${what}: channel ${ch} is ${m[ch]}, expected ${w}`);
  }
}

describe('routing', () => {
  it('formatChannels', () => {
    assert.deepEqual((['mono', 'stereo', '5.1'] as const).map(formatChannels), [1, 2, 6]);
  });

  it('mono → 5.1 front: x = −1, 0, 1 (y = 1) give L, C, R alone at 0 dB', () => {
    column(gains(1, 6, -1), { [L]: 1 }, 'x = −1');
    column(gains(1, 6, 0), { [C]: 1 }, 'x = 0');
    column(gains(1, 6, 1), { [R]: 1 }, 'x = 1');
    assert.equal(gains(1, 6, 0)[C], 1, 'centre exactly 0 dB');
    assert.deepEqual(routeGains(1, 6, 0.3, new Float64Array(6)), gains(1, 6, 0.3, 1), 'a number pan means y = 1');
    assert.deepEqual(routeGains(1, 6, { x: 0.3, y: -0.2 }, new Float64Array(6)), gains(1, 6, 0.3, -0.2));
  });

  it('mono → 5.1: x = −0.5 puts L and C each at −3.01 dB; x = 0.5 C and R', () => {
    const left = gains(1, 6, -0.5);
    column(left, { [L]: Math.cos(Math.PI / 4), [C]: Math.sin(Math.PI / 4) }, 'x = −0.5');
    assert.ok(Math.abs(dB(left[L]!) + 3.0103) < 1e-4 && Math.abs(dB(left[C]!) + 3.0103) < 1e-4);
    column(gains(1, 6, 0.5), { [C]: H, [R]: H }, 'x = 0.5');
  });

  it('mono → 5.1 is constant power over an (x, y) sweep and never feeds the LFE', () => {
    for (let xi = -20; xi <= 20; xi++) {
      for (let yi = -20; yi <= 20; yi++) {
        const x = xi / 20;
        const y = yi / 20;
        const m = gains(1, 6, x, y);
        const power = m.reduce((a, g) => a + g * g, 0);
        assert.ok(Math.abs(power - 1) < EPS, `(${x}, ${y}): power ${power}`);
        assert.ok(Object.is(m[LFE], 0), `(${x}, ${y}): LFE`);
        assert.ok(m.every((g) => g >= -EPS), `(${x}, ${y}): no negative gains`);
      }
    }
  });

  it('mono → 5.1: y = −1 is surround only, y = 0 splits front and surround equally', () => {
    column(gains(1, 6, 0, -1), { [LS]: H, [RS]: H }, 'y = −1, x = 0');
    column(gains(1, 6, -1, -1), { [LS]: 1 }, 'y = −1, x = −1');
    column(gains(1, 6, 1, -1), { [RS]: 1 }, 'y = −1, x = 1');
    for (const x of [-1, -0.4, 0, 0.7, 1]) {
      const m = gains(1, 6, x, 0);
      const front = m[L]! ** 2 + m[C]! ** 2 + m[R]! ** 2;
      const rear = m[LS]! ** 2 + m[RS]! ** 2;
      assert.ok(Math.abs(front - 0.5) < EPS && Math.abs(rear - 0.5) < EPS, `x = ${x}: front ${front}, surround ${rear}`);
      assert.ok(Math.abs(10 * Math.log10(front) + 3.0103) < 1e-4, 'front −3.01 dB');
    }
    column(gains(1, 6, 0, 0), { [C]: H, [LS]: 0.5, [RS]: 0.5 }, 'y = 0, x = 0');
  });

  it('mono → stereo: constant-power pan law', () => {
    const centre = gains(1, 2, 0);
    assert.ok(Math.abs(centre[0]! - H) < EPS && Math.abs(centre[1]! - H) < EPS);
    assert.ok(Math.abs(dB(centre[0]!) + 3.0103) < 1e-4);
    assert.deepEqual(Array.from(gains(1, 2, -1)), [1, 0], 'hard left');
    const right = gains(1, 2, 1);
    assert.ok(Math.abs(right[0]!) < EPS && right[1] === 1, 'hard right');
    for (let p = -1; p <= 1; p += 0.125) {
      const m = gains(1, 2, p);
      assert.ok(Math.abs(m[0]! ** 2 + m[1]! ** 2 - 1) < EPS, `pan ${p}`);
    }
    assert.deepEqual(Array.from(gains(1, 1, 0.8)), [1], 'mono → mono ignores the pan');
  });

  it('stereo → stereo and stereo → 5.1: balance, unity at the centre', () => {
    assert.deepEqual(Array.from(gains(2, 2, 0)), [1, 0, 0, 1]);
    assert.deepEqual(Array.from(gains(2, 2, 0.25)), [0.75, 0, 0, 1]);
    assert.deepEqual(Array.from(gains(2, 2, -0.5)), [1, 0, 0, 0.5]);
    assert.deepEqual(Array.from(gains(2, 2, 1)), [0, 0, 0, 1]);
    // D×S layout: row d, column s.
    const m = gains(2, 6, -0.25);
    const want = new Float64Array(12);
    want[L * 2 + 0] = 1;
    want[R * 2 + 1] = 0.75;
    assert.deepEqual(m, want);
  });

  it('stereo → mono: (L + R)/2', () => {
    assert.deepEqual(Array.from(gains(2, 1, 0)), [0.5, 0.5]);
    assert.deepEqual(Array.from(gains(2, 1, 0.9)), [0.5, 0.5], 'pan ignored');
  });

  it('5.1 → stereo and mono: BS.775 with the literal √½ coefficients, bit for bit', () => {
    //                      L  R  C  LFE Ls Rs
    const lo = [1, 0, H, 0, H, 0];
    const ro = [0, 1, H, 0, 0, H];
    for (const pan of [0, -1, 0.6]) {
      const st = gains(6, 2, pan);
      assert.deepEqual(Array.from(st), [...lo, ...ro], `stereo, pan ${pan}`);
      st.forEach((g) => assert.ok(!Object.is(g, -0)));
      assert.deepEqual(Array.from(gains(6, 1, pan)), [0.5, 0.5, H, 0, 0.5 * H, 0.5 * H], `mono, pan ${pan}`);
    }
    // Stale values in the output array are overwritten.
    const out = new Float64Array(12).fill(9);
    assert.deepEqual(Array.from(routeGains(6, 2, 0, out)), [...lo, ...ro]);
    assert.deepEqual(Array.from(routeGains(6, 1, 0, new Float64Array(6).fill(9))), [0.5, 0.5, H, 0, 0.5 * H, 0.5 * H]);
  });

  it('same width and other combinations: channel i → channel i', () => {
    const six = gains(6, 6, 0.4);
    for (let d = 0; d < 6; d++) for (let s = 0; s < 6; s++) assert.equal(six[d * 6 + s], d === s ? 1 : 0);
    assert.deepEqual(Array.from(gains(1, 3, 0)), [1, 0, 0]);
  });
});
