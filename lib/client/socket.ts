/**
 * What the client needs of a WebSocket: the members the browser's WebSocket, Node 22's built-in one and
 * the `ws` package all have. Declared here so the client compiles without the DOM or Node types.
 */

/** Handler parameters are checked both ways, so implementations with richer event types fit. */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

export interface WebSocketLike {
  /** 1 while open (the standard's OPEN). */
  readonly readyState: number;
  /** Typed as narrowly as the browser's (its BufferSource excludes views of a SharedArrayBuffer). */
  send(data: string | ArrayBuffer | ArrayBufferView<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ readonly data: unknown }> | null;
  /** `ws` gives an event with a `message` (it names the HTTP status of a refused upgrade); browsers say nothing. */
  onerror: Handler<unknown> | null;
  onclose: Handler<{ readonly code: number; readonly reason: string }> | null;
}

/**
 * A WebSocket class: the browser's `WebSocket`, or `WebSocket` from the `ws` package on Node.js 20.
 * @example
 * import WebSocket from 'ws';
 * const client = connect(chat, 'ws://127.0.0.1:8000', { params: { room: 'lobby' }, WebSocket });
 */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** Timers exist in browsers and Node.js alike, but in neither's types alone. */
interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const timers = globalThis as unknown as Timers;

/** The platform's WebSocket, if it has one (browsers, Node.js 22). */
export function globalWebSocket(): WebSocketConstructor | undefined {
  return (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
}
