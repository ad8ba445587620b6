/**
 * The three wire protocols the servers speak, as data: which URL to upgrade on, how a message for a
 * route is framed, what the server's reply looks like, and what (if anything) follows the upgrade.
 * Every frame is built once per scenario and message size, never per message.
 */

/** Plain WebSocket text frames (raw uWS, switchboard, ws, FastAPI); Socket.IO v4 (engine.io v4); NestJS platform-ws JSON events. */
export type Protocol = 'plain' | 'socketio' | 'nest';

/** The routes every server serves. */
export type Route = '/echo' | '/echo-async' | '/echo-json' | '/echo-event' | '/broadcast' | '/broadcast-json';

/** Socket.IO and NestJS multiplex routes over one URL by event name. */
const EVENT: Record<Route, string> = {
  '/echo': 'echo',
  '/echo-async': 'echo-async',
  '/echo-json': 'echo-json',
  '/echo-event': 'echo-event',
  '/broadcast': 'broadcast',
  '/broadcast-json': 'broadcast-json',
};

export interface Wire {
  /** Request target of the HTTP upgrade. */
  path: string;
  /** Text payload of one client message. */
  request: string;
  /** Text payload the server must send back (echo) or deliver (broadcast). */
  reply: string;
}

/**
 * The message for `route`: `body` is a string for text routes, or the JSON text of an object for
 * `/echo-json` and `/broadcast-json` (already in the canonical form `JSON.stringify` produces, so the reply is byte-equal).
 */
export function wireFor(protocol: Protocol, route: Route, body: string): Wire {
  const isJson = route === '/echo-json' || route === '/echo-event' || route === '/broadcast-json';
  const value = isJson ? body : JSON.stringify(body);
  switch (protocol) {
    case 'plain':
      return { path: route, request: body, reply: body };
    case 'socketio': {
      const packet = `42["${EVENT[route]}",${value}]`;
      return { path: '/socket.io/?EIO=4&transport=websocket', request: packet, reply: packet };
    }
    case 'nest': {
      const packet = `{"event":"${EVENT[route]}","data":${value}}`;
      return { path: '/', request: packet, reply: packet };
    }
  }
}

/** A text body of exactly `bytes` ASCII bytes (no characters JSON would escape). */
export function textOfSize(bytes: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < bytes; i++) s += alphabet[i % alphabet.length] ?? 'x';
  return s;
}

/** A JSON event frame `{"event":…,"data":…}` whose data is a JSON object of roughly `bytes` bytes, in canonical form. */
export function eventOfSize(event: string, bytes: number): string {
  return `{"event":${JSON.stringify(event)},"data":${jsonOfSize(bytes)}}`;
}

/** A JSON object of roughly `bytes` bytes, in canonical `JSON.stringify` form. */
export function jsonOfSize(bytes: number): string {
  const base = { id: 12345, user: 'alice', room: 'lobby', tags: ['a', 'b'], ok: true, text: '' };
  const overhead = JSON.stringify(base).length;
  base.text = textOfSize(Math.max(1, bytes - overhead));
  return JSON.stringify(base);
}
