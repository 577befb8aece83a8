// A min-heap of timers with lazy deletion: cancelling a timer is bumping a generation number on
// its owner, and a stale entry is dropped when it reaches the top. Ties fire in insertion order.

export interface Deadline<T> {
  at: number;
  seq: number;
  item: T;
}

export class DeadlineHeap<T> {
  readonly #heap: Deadline<T>[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  push(at: number, item: T): void {
    const heap = this.#heap;
    const entry: Deadline<T> = { at, seq: this.#seq++, item };
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Deadline<T>;
      if (!before(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  peek(): Deadline<T> | undefined {
    return this.#heap[0];
  }

  pop(): Deadline<T> | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) break;
      const r = l + 1;
      const left = heap[l] as Deadline<T>;
      const right = heap[r];
      const [c, child] = right !== undefined && before(right, left) ? [r, right] : [l, left];
      if (!before(child, last)) break;
      heap[i] = child;
      i = c;
    }
    heap[i] = last;
    return top;
  }
}

function before<T>(a: Deadline<T>, b: Deadline<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
