'use strict';
/**
 * Socket.IO 4 on its own http server, websocket transport only. Routes are events on the default
 * namespace: "echo", "echo-async", "echo-json", "broadcast" (io.emit, so the sender gets it too).
 * Plain CommonJS so the root build never needs benchmarks/node_modules.
 */
const http = require('node:http');
const { Server } = require('socket.io');

const server = http.createServer();
const io = new Server(server, { transports: ['websocket'], serveClient: false, perMessageDeflate: false, maxHttpBufferSize: 1024 * 1024 });

io.on('connection', (socket) => {
  socket.on('echo', (text) => socket.emit('echo', text));
  socket.on('echo-async', (text) => {
    void Promise.resolve(text).then((reply) => socket.emit('echo-async', reply));
  });
  socket.on('echo-json', (msg) => socket.emit('echo-json', msg));
  socket.on('broadcast', (text) => io.emit('broadcast', text));
});

server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  console.log(`LISTENING ${server.address().port}`);
});
