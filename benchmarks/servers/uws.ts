/**
 * Raw uWebSockets.js, written by hand: the limit the others are measured against. It does the same
 * work as the switchboard app (decode the text to a JS string, reply a string, parse and stringify
 * JSON on /echo-json, broadcast through uWS pub/sub) and nothing more.
 */
import type * as uWS from 'uWebSockets.js';
import { loadUws } from '../../lib/transport/uws-loader';

// The native build switchboard itself would load (the loader never takes uWS's pure-JS fallback).
const load = loadUws();
if (!('loaded' in load)) {
  console.error(`uws: ${load.report}`);
  process.exit(1);
}
const native = load.loaded.uws;

interface Data {
  open: boolean;
}

const decoder = new TextDecoder();
const limits = { maxPayloadLength: 1024 * 1024, maxBackpressure: 1024 * 1024, idleTimeout: 120 };
const app = native.App();

function route(pattern: string, onMessage: (ws: uWS.WebSocket<Data>, text: string) => void, onOpen?: (ws: uWS.WebSocket<Data>) => void): void {
  app.ws<Data>(pattern, {
    ...limits,
    upgrade: (res, req, context) => {
      res.upgrade<Data>(
        { open: true },
        req.getHeader('sec-websocket-key'),
        req.getHeader('sec-websocket-protocol'),
        req.getHeader('sec-websocket-extensions'),
        context,
      );
    },
    open: onOpen,
    message: (ws, message) => onMessage(ws, decoder.decode(message)),
    close: (ws) => {
      ws.getUserData().open = false;
    },
  });
}

route('/echo', (ws, text) => {
  ws.send(text, false);
});

route('/echo-async', (ws, text) => {
  void Promise.resolve(text).then((reply) => {
    if (ws.getUserData().open) ws.send(reply, false);
  });
});

route('/echo-json', (ws, text) => {
  ws.send(JSON.stringify(JSON.parse(text) as object), false);
});

// As switchboard's event route: an event frame for `echo` is answered as an event, anything else echoed as JSON.
route('/echo-event', (ws, text) => {
  const msg = JSON.parse(text) as { event?: unknown; data?: unknown };
  ws.send(msg.event === 'echo' ? JSON.stringify({ event: 'echo', data: msg.data }) : JSON.stringify(msg), false);
});

for (const topic of ['broadcast', 'broadcast-json'])
  route(
    `/${topic}`,
    (_ws, text) => {
      app.publish(topic, text, false);
    },
    (ws) => {
      ws.subscribe(topic);
    },
  );

app.listen('127.0.0.1', Number(process.env.PORT ?? 0), (socket) => {
  if (socket === false) {
    console.error('uws: listen failed');
    process.exit(1);
  }
  console.log(`LISTENING ${native.us_socket_local_port(socket)}`);
});
