/**
 * Append-only typed arrays that double their capacity when full, for per-hop series whose length
 * is unknown until the end of a stream.
 */

type FloatArray = Float32Array | Float64Array;

class GrowableArray<T extends FloatArray> {
  #data: T;
  #length = 0;
  readonly #allocate: (length: number) => T;

  constructor(allocate: (length: number) => T, capacity: number) {
    this.#allocate = allocate;
    this.#data = allocate(Math.max(1, capacity));
  }

  get length(): number {
    return this.#length;
  }

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const grown = this.#allocate(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.#length++] = value;
  }

  /** The values so far, as a view that a later `push` may detach from the storage (copy to keep). */
  view(): T {
    return this.#data.subarray(0, this.#length) as T;
  }
}

export class GrowableFloat32Array extends GrowableArray<Float32Array> {
  constructor(capacity = 1024) {
    super((n) => new Float32Array(n), capacity);
  }
}

export class GrowableFloat64Array extends GrowableArray<Float64Array> {
  constructor(capacity = 1024) {
    super((n) => new Float64Array(n), capacity);
  }
}
