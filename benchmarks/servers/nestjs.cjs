'use strict';
/**
 * A NestJS gateway on @nestjs/platform-ws (the `ws` adapter), as the Nest docs write it, with the
 * decorators applied by hand (Reflect.decorate) so this stays plain CommonJS that the root build
 * never compiles. Messages are JSON `{"event": <route>, "data": …}`; replies are `{event, data}`.
 */
require('reflect-metadata');
const { Module, Logger } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { WebSocketGateway, SubscribeMessage, WebSocketServer } = require('@nestjs/websockets');
const { WsAdapter } = require('@nestjs/platform-ws');

class EventsGateway {
  echo(_client, data) {
    return { event: 'echo', data };
  }
  async echoAsync(_client, data) {
    return { event: 'echo-async', data: await Promise.resolve(data) };
  }
  echoJson(_client, data) {
    return { event: 'echo-json', data };
  }
  broadcast(_client, data) {
    const packet = JSON.stringify({ event: 'broadcast', data });
    for (const client of this.server.clients) if (client.readyState === 1) client.send(packet);
  }
}
const method = (name, event) =>
  Reflect.decorate([SubscribeMessage(event)], EventsGateway.prototype, name, Object.getOwnPropertyDescriptor(EventsGateway.prototype, name));
method('echo', 'echo');
method('echoAsync', 'echo-async');
method('echoJson', 'echo-json');
method('broadcast', 'broadcast');
Reflect.decorate([WebSocketServer()], EventsGateway.prototype, 'server', undefined);
const Gateway = Reflect.decorate([WebSocketGateway({ perMessageDeflate: false })], EventsGateway);

class AppModule {}
const Root = Reflect.decorate([Module({ providers: [Gateway] })], AppModule);

async function main() {
  const app = await NestFactory.create(Root, { logger: ['error', 'warn'] });
  app.useWebSocketAdapter(new WsAdapter(app));
  await app.listen(Number(process.env.PORT || 0), '127.0.0.1');
  console.log(`LISTENING ${app.getHttpServer().address().port}`);
}

main().catch((err) => {
  Logger.error(err);
  process.exit(1);
});
