// Keeps the k candidates with the smallest keys seen so far, in key order: one pass over the
// pieces instead of a sort. k is a request-pipeline depth (tens), so insertion is cheap.

export class SmallestK {
  private readonly keys: number[] = [];
  private readonly items: number[] = [];

  constructor(private readonly k: number) {}

  /** Offers `item` with sort key `key` (smaller is better; keys are unique in practice). */
  offer(key: number, item: number): void {
    const n = this.keys.length;
    if (this.k <= 0 || (n === this.k && key >= this.keys[n - 1])) return;
    let at = n;
    while (at > 0 && this.keys[at - 1] > key) at--;
    this.keys.splice(at, 0, key);
    this.items.splice(at, 0, item);
    if (this.keys.length > this.k) {
      this.keys.pop();
      this.items.pop();
    }
  }

  /** The kept items, best first. */
  result(): number[] {
    return this.items.slice();
  }
}
