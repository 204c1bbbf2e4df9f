// A small seeded PRNG (mulberry32): the same seed yields the same data on every runtime.

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One value, with probability proportional to its weight. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of choices) total += w;
    let u = this.next() * total;
    for (const [value, w] of choices) {
      if (u < w) return value;
      u -= w;
    }
    return choices[choices.length - 1]![0];
  }

  /** Lowercase hex digits, e.g. a commit sha. */
  hex(length: number): string {
    let out = "";
    while (out.length < length) out += (this.next() * 4294967296 >>> 0).toString(16).padStart(8, "0");
    return out.slice(0, length);
  }

  /** A count in [min, spread.max] whose average is spread.mean (shifted binomial). */
  count(min: number, spread: { mean: number; max: number }): number {
    const slots = Math.max(0, spread.max - min);
    if (slots === 0) return min;
    const p = Math.min(1, Math.max(0, (spread.mean - min) / slots));
    let n = min;
    for (let i = 0; i < slots; i++) if (this.next() < p) n++;
    return n;
  }
}
