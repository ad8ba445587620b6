/** A WebSocket class for switchboard/client tests of recovery: a lost network, and a server that moved. */
import WebSocket from 'ws';
import type { Client } from '../lib/client';

/**
 * A WebSocket class whose current socket a test can drop without a close frame (a lost network), and
 * keep offline for a while: its attempts then go to a port nothing listens on.
 */
export function flaky(): { WebSocket: typeof WebSocket; drop(): void; offline: boolean; port: number } {
  const control = {
    offline: false,
    /** When set, attempts go to this port instead (a restarted server on another port). */
    port: 0,
    socket: null as WebSocket | null,
    drop(): void {
      control.socket?.terminate();
    },
    WebSocket: class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        const target = new URL(url);
        if (control.offline) target.port = '9';
        else if (control.port !== 0) target.port = String(control.port);
        super(target.toString(), protocols);
        control.socket = this;
      }
    } as typeof WebSocket,
  };
  return control;
}

/** Joins `room` again after a reset (recovered: false); again if the connection drops before the answer (bounded). */
export async function rejoin(client: Client, room: string, attempts = 5): Promise<unknown> {
  try {
    return await client.request('join', room);
  } catch (error) {
    if (attempts === 1) throw error;
    return rejoin(client, room, attempts - 1);
  }
}
