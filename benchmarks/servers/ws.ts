/** The `ws` library, the way its README does it: one WebSocketServer per path, broadcast in a JS loop. */
import * as http from 'node:http';
import { WebSocketServer, WebSocket, type RawData } from 'ws';

const server = http.createServer((_req, res) => {
  res.writeHead(404).end();
});
const opts = { noServer: true, maxPayload: 1024 * 1024, perMessageDeflate: false };
const echo = new WebSocketServer(opts);
const echoAsync = new WebSocketServer(opts);
const echoJson = new WebSocketServer(opts);
const broadcast = new WebSocketServer(opts);

const text = (data: RawData): string => (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');

echo.on('connection', (ws) => ws.on('message', (data) => ws.send(text(data))));
echoAsync.on('connection', (ws) =>
  ws.on('message', (data) => {
    void Promise.resolve(text(data)).then((reply) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(reply);
    });
  }),
);
echoJson.on('connection', (ws) => ws.on('message', (data) => ws.send(JSON.stringify(JSON.parse(text(data)) as object))));
broadcast.on('connection', (ws) =>
  ws.on('message', (data) => {
    const msg = text(data);
    for (const client of broadcast.clients) if (client.readyState === WebSocket.OPEN) client.send(msg);
  }),
);

const routes = new Map([
  ['/echo', echo],
  ['/echo-async', echoAsync],
  ['/echo-json', echoJson],
  ['/broadcast', broadcast],
]);

server.on('upgrade', (req, socket, head) => {
  const wss = routes.get(req.url ?? '');
  if (wss === undefined) {
    socket.destroy();
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  console.log(`LISTENING ${typeof addr === 'object' && addr !== null ? addr.port : ''}`);
});
