/** A node of a `PluginQueue`: the queued item carries its own links (no wrapper per entry). */
export interface QueueNode<T> {
  prev: T | null;
  next: T | null;
  /** True while the node is in a queue. */
  queued: boolean;
}

/**
 * A per-plugin FIFO of waiting requests, bounded by `limit`: an intrusive doubly linked list, so
 * a request that times out or is cancelled leaves from the middle in O(1) and nothing is
 * allocated per operation. `pushFront` (a retry keeps its place ahead of new work) ignores the
 * bound; `pushBack` refuses beyond it.
 */
export class PluginQueue<T extends QueueNode<T>> {
  private head: T | null = null;
  private tail: T | null = null;
  private count = 0;

  constructor(public limit: number) {}

  get size(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.limit;
  }

  /** The oldest waiting item. */
  peek(): T | null {
    return this.head;
  }

  /** Appends; false (and nothing changes) when the queue is full. */
  pushBack(node: T): boolean {
    if (this.count >= this.limit) return false;
    node.prev = this.tail;
    node.next = null;
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    node.queued = true;
    this.count++;
    return true;
  }

  /** Puts `node` first, regardless of the bound. */
  pushFront(node: T): void {
    node.prev = null;
    node.next = this.head;
    if (this.head) this.head.prev = node;
    else this.tail = node;
    this.head = node;
    node.queued = true;
    this.count++;
  }

  /** Removes `node` if it is queued here; false otherwise. */
  remove(node: T): boolean {
    if (!node.queued) return false;
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = null;
    node.next = null;
    node.queued = false;
    this.count--;
    return true;
  }

  shift(): T | null {
    const node = this.head;
    if (node) this.remove(node);
    return node;
  }
}
