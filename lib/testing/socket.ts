/**
 * The WebSocket client the testing kit drives: the `ws` package, loaded when a test app is made, so that
 * switchboard itself never needs it (it is an optional peer dependency). The few members the kit uses are
 * typed here, so the published types never mention `ws`.
 */
import type { IncomingMessage } from 'node:http';
import { loadPeer } from '../util/peer';

export interface WsSocket {
  readonly readyState: number;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'open', listener: () => void): unknown;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): unknown;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'unexpected-response', listener: (request: unknown, response: IncomingMessage) => void): unknown;
}

export type WsConstructor = new (url: string, protocols: string | string[] | undefined, options: { headers?: Record<string, string> }) => WsSocket;

/** WebSocket.OPEN in every implementation. */
export const OPEN = 1;

export async function loadWs(): Promise<WsConstructor> {
  const ws = await loadPeer<{ default: WsConstructor }>(
    () => import('ws'),
    'SWB_ERR_WS_MISSING',
    'switchboard/testing connects with the "ws" package',
    'npm i -D ws',
  );
  return ws.default;
}
