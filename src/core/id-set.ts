/**
 * A set of strings kept as 64-bit hashes in typed arrays: 8 bytes a slot and no garbage, so a
 * uniqueness rule can follow a million ids in 16 MB. Two different strings share a 64-bit hash
 * with odds of about n²/2⁶⁵ (3·10⁻⁸ for a million ids); that is the price of bounded memory.
 */
export class IdSet {
  #high: Uint32Array;
  #low: Uint32Array;
  #size = 0;

  constructor(initialCapacity = 1024) {
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.#high = new Uint32Array(capacity);
    this.#low = new Uint32Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds `id`; returns false when it was already there. */
  add(id: string): boolean {
    let high = 0x811c9dc5;
    let low = 0x9747b28c;
    for (let i = 0; i < id.length; i++) {
      const code = id.charCodeAt(i);
      high = Math.imul(high ^ code, 0x01000193);
      low = Math.imul(low ^ code, 0x5bd1e995);
      low ^= low >>> 15;
    }
    high = (high | 1) >>> 0; // never 0: a zero high word marks an empty slot
    low = (low ^ (low >>> 13)) >>> 0;
    const mask = this.#high.length - 1;
    for (let slot = (high ^ low) & mask; ; slot = (slot + 1) & mask) {
      const stored = this.#high[slot] as number;
      if (stored === 0) {
        this.#high[slot] = high;
        this.#low[slot] = low;
        if (++this.#size * 2 > this.#high.length) this.#grow();
        return true;
      }
      if (stored === high && this.#low[slot] === low) return false;
    }
  }

  #grow(): void {
    const [high, low] = [this.#high, this.#low];
    this.#high = new Uint32Array(high.length * 2);
    this.#low = new Uint32Array(high.length * 2);
    const mask = this.#high.length - 1;
    for (let i = 0; i < high.length; i++) {
      const h = high[i] as number;
      if (h === 0) continue;
      let slot = (h ^ (low[i] as number)) & mask;
      while (this.#high[slot] !== 0) slot = (slot + 1) & mask;
      this.#high[slot] = h;
      this.#low[slot] = low[i] as number;
    }
  }
}
