/**
 * The first `limit` items of a stream in an order, without sorting the stream: a max-heap of
 * the items kept, so each offer costs one comparison with the last kept item when it is not
 * among the first, and O(log limit) when it is. A page of members out of a million is taken in
 * one pass this way.
 */
export class FirstInOrder<T> {
  private readonly heap: T[] = [];

  constructor(
    private readonly limit: number,
    private readonly compare: (a: T, b: T) => number,
  ) {}

  /** Whether `offer` would keep the item now: callers may test a reused probe and copy it only then. */
  admits(item: T): boolean {
    const last = this.heap[0];
    return this.heap.length < this.limit || (last !== undefined && this.compare(item, last) < 0);
  }

  offer(item: T): void {
    if (!this.admits(item)) return;
    if (this.heap.length < this.limit) {
      this.heap.push(item);
      this.up(this.heap.length - 1);
    } else {
      this.heap[0] = item;
      this.down(0);
    }
  }

  /** The items kept, in order. */
  sorted(): T[] {
    return [...this.heap].sort(this.compare);
  }

  private up(at: number): void {
    const { heap } = this;
    let child = at;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (this.compare(heap[child] as T, heap[parent] as T) <= 0) return;
      this.swap(child, parent);
      child = parent;
    }
  }

  private down(at: number): void {
    const { heap } = this;
    let parent = at;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let largest = parent;
      if (left < heap.length && this.compare(heap[left] as T, heap[largest] as T) > 0) largest = left;
      if (right < heap.length && this.compare(heap[right] as T, heap[largest] as T) > 0) largest = right;
      if (largest === parent) return;
      this.swap(parent, largest);
      parent = largest;
    }
  }

  private swap(a: number, b: number): void {
    const { heap } = this;
    [heap[a], heap[b]] = [heap[b] as T, heap[a] as T];
  }
}
