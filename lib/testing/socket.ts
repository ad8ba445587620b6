/**
 * The WebSocket client the testing kit drives, behind one small interface: the `ws` package when it is
 * installed, else the platform's WebSocket (Node.js 22 and later). `ws` is preferred because it reads the
 * HTTP status and body of a refused upgrade (UpgradeRefused); the built-in one reports only that the
 * upgrade failed. Both send the test's upgrade headers: Node's built-in WebSocket (undici) takes them
 * in its second argument, `{ protocols, headers }`, beside the standard's protocols. Neither is typed
 * here by its package, so the published types mention neither.
 */
import type { IncomingMessage } from 'node:http';
import { SwitchboardError } from '../util/errors';
import { loadPeer } from '../util/peer';
import type { Frame } from './frames';

/** Which client the kit uses: `'ws'` (the package) or `'builtin'` (the platform's WebSocket). */
export type WebSocketChoice = 'ws' | 'builtin';

/** One connection, as the test client sees it. */
export interface KitSocket {
  readonly isOpen: boolean;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  /** Drops the connection without a close handshake. */
  terminate(): void;
  onMessage(listener: (frame: Frame) => void): void;
  onClose(listener: (code: number, reason: string) => void): void;
}

/** An upgrade under way: the socket, and whether it opened (rejecting with why it did not). */
export interface Opening {
  readonly socket: KitSocket;
  readonly opened: Promise<void>;
}

/** Opens a socket; `refused(status, body)` makes the error of an upgrade the app refused. */
export type Opener = (
  url: string,
  protocols: string | string[] | undefined,
  headers: Record<string, string>,
  refused: (status: number, body: string) => Error,
) => Opening;

/** WebSocket.OPEN in every implementation. */
const OPEN = 1;

interface WsSocket {
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

type WsConstructor = new (url: string, protocols: string | string[] | undefined, options: { headers?: Record<string, string> }) => WsSocket;

function wsOpener(WebSocket: WsConstructor): Opener {
  return (url, protocols, headers, refused) => {
    const ws = new WebSocket(url, protocols, { headers });
    const socket: KitSocket = {
      get isOpen() {
        return ws.readyState === OPEN;
      },
      send: (data) => ws.send(data),
      close: (code, reason) => ws.close(code, reason),
      terminate: () => ws.terminate(),
      onMessage: (listener) => ws.on('message', (data, isBinary) => listener(isBinary ? data : data.toString('utf8'))),
      onClose: (listener) => ws.on('close', (code, reason) => listener(code, reason.toString('utf8'))),
    };
    const opened = new Promise<void>((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', (error) => reject(new Error(`The upgrade of ${url} failed: ${error.message}`, { cause: error })));
      ws.on('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        response.on('end', () => reject(refused(response.statusCode ?? 0, body)));
      });
    });
    return { socket, opened };
  };
}

/** The members of the platform's WebSocket the kit uses (the WHATWG API, plus undici's `{ protocols, headers }`). */
interface BuiltinSocket {
  readonly readyState: number;
  binaryType: string;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { readonly code: number; readonly reason: string }) => void): void;
}

type BuiltinConstructor = new (url: string, init: { protocols?: string | string[]; headers: Record<string, string> }) => BuiltinSocket;

function builtinOpener(WebSocket: BuiltinConstructor): Opener {
  return (url, protocols, headers) => {
    const ws = new WebSocket(url, { ...(protocols === undefined ? {} : { protocols }), headers });
    ws.binaryType = 'arraybuffer';
    const socket: KitSocket = {
      get isOpen() {
        return ws.readyState === OPEN;
      },
      send: (data) => ws.send(data),
      close: (code, reason) => ws.close(code, reason),
      // The standard has no way to drop a connection without its close handshake: close() is the nearest.
      terminate: () => ws.close(),
      onMessage: (listener) =>
        ws.addEventListener('message', (event) => listener(typeof event.data === 'string' ? event.data : Buffer.from(event.data as ArrayBuffer))),
      onClose: (listener) => ws.addEventListener('close', (event) => listener(event.code, event.reason)),
    };
    const opened = new Promise<void>((resolve, reject) => {
      ws.addEventListener('open', resolve);
      ws.addEventListener('error', () =>
        reject(
          new Error(
            `The upgrade of ${url} failed. Node's built-in WebSocket does not tell why (an HTTP status, a refused connection); install ws (npm i -D ws), which the kit then uses, to see the status and body.`,
          ),
        ),
      );
    });
    return { socket, opened };
  };
}

function builtin(): BuiltinConstructor | undefined {
  return (globalThis as unknown as { WebSocket?: BuiltinConstructor }).WebSocket;
}

const NO_BUILTIN = `Node.js ${process.version} has no built-in WebSocket (Node.js 22 and later have one)`;

/** The opener of `choice`; without one, `ws` when it is installed, else the built-in WebSocket. */
export async function loadOpener(choice: WebSocketChoice | undefined): Promise<Opener> {
  if (choice === 'builtin') {
    const WebSocket = builtin();
    if (WebSocket === undefined)
      throw new SwitchboardError('SWB_ERR_WS_MISSING', `testApp(app, { webSocket: 'builtin' }): ${NO_BUILTIN}. Use 'ws' (npm i -D ws).`);
    return builtinOpener(WebSocket);
  }
  const load = (): Promise<{ default: WsConstructor }> =>
    loadPeer<{ default: WsConstructor }>(
      () => import('ws'),
      'SWB_ERR_WS_MISSING',
      `switchboard/testing connects with the "ws" package${choice === 'ws' ? '' : `, or the built-in WebSocket, and ${NO_BUILTIN}`}`,
      'npm i -D ws',
    );
  const WebSocket = builtin();
  if (choice === 'ws' || WebSocket === undefined) return wsOpener((await load()).default);
  try {
    return wsOpener((await load()).default);
  } catch {
    return builtinOpener(WebSocket);
  }
}
