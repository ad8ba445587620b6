/**
 * The messages that wait behind a connection's pending async handler: a ring buffer, so that taking the
 * oldest is O(1) however many wait (Array.prototype.shift moves every element behind it, and a queue
 * holds up to `maxQueuedMessages`, 1,024 by default). It grows by doubling and never shrinks: a
 * connection that once queued many is likely to again, and the queue goes with its connection.
 */

/** A message that waits; `data` is a copy that outlives the transport's callback. */
export interface QueuedMessage {
  readonly data: ArrayBuffer;
  readonly isBinary: boolean;
}

const INITIAL_CAPACITY = 8;

export class MessageQueue {
  private slots: (QueuedMessage | undefined)[] = new Array<QueuedMessage | undefined>(INITIAL_CAPACITY);
  /** Index of the oldest message. */
  private head = 0;
  size = 0;

  push(message: QueuedMessage): void {
    if (this.size === this.slots.length) this.grow();
    this.slots[(this.head + this.size) & (this.slots.length - 1)] = message;
    this.size++;
  }

  /** The oldest message, removed; undefined when empty. */
  shift(): QueuedMessage | undefined {
    if (this.size === 0) return undefined;
    const message = this.slots[this.head];
    // Cleared at once: a handled message's copy is garbage now, not when its slot is reused.
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) & (this.slots.length - 1);
    this.size--;
    return message;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.size = 0;
  }

  /** Twice the capacity (a power of two, so that an index wraps with a mask), oldest first again. */
  private grow(): void {
    const old = this.slots;
    const slots = new Array<QueuedMessage | undefined>(old.length * 2);
    for (let i = 0; i < this.size; i++) slots[i] = old[(this.head + i) & (old.length - 1)];
    this.slots = slots;
    this.head = 0;
  }
}
