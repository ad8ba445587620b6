/**
 * The few socket operations the runtime needs, so that nothing outside transport/uws.ts depends on
 * uWebSockets.js. A uWS WebSocket satisfies this interface as it is. Valid from open to close only.
 */
import type { Payload } from '../reply';

export interface Socket {
  /** 1: sent, 0: buffered (backpressure), 2: dropped (over maxBackpressure). */
  send(payload: Payload, isBinary: boolean, compress: boolean): number;
  /** Graceful close with a close frame. Fires the close handler synchronously. */
  end(code: number, reason: string): void;
  /** To every subscriber of `topic` except this socket. */
  publish(topic: string, payload: Payload, isBinary: boolean, compress: boolean): boolean;
  subscribe(topic: string): boolean;
  unsubscribe(topic: string): boolean;
  isSubscribed(topic: string): boolean;
  getBufferedAmount(): number;
  cork(callback: () => void): unknown;
}

/** App-wide publishing, from outside any socket. */
export interface Publisher {
  publish(topic: string, payload: Payload, isBinary: boolean, compress: boolean): boolean;
  numSubscribers(topic: string): number;
}
