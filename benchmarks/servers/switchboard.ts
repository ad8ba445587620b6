/**
 * The switchboard app for every scenario: decorated classes, parameters injected from their design
 * types, replies by return value, broadcast through ws.broadcast (uWS pub/sub underneath).
 */
import 'reflect-metadata';
import { App, WebSocketRoute, OnMessage, Connector } from '../../lib';
import { benchAppOptions } from './switchboard-options';

@WebSocketRoute('/echo')
class Echo {
  @OnMessage()
  message(_ws: Connector, text: string): string {
    return text;
  }
}

@WebSocketRoute('/echo-async')
class EchoAsync {
  @OnMessage()
  async message(_ws: Connector, text: string): Promise<string> {
    return await Promise.resolve(text);
  }
}

@WebSocketRoute('/echo-json')
class EchoJson {
  @OnMessage()
  message(_ws: Connector, msg: object): object {
    return msg;
  }
}

/** A JSON event handler, and a plain handler for every other message (what matched no event falls through to it). */
@WebSocketRoute('/echo-event')
class EchoEvent {
  @OnMessage('echo')
  echo(_ws: Connector, data: object): object {
    return data;
  }

  @OnMessage()
  message(_ws: Connector, msg: object): object {
    return msg;
  }
}

@WebSocketRoute('/broadcast')
export class Broadcast {
  @OnMessage()
  message(ws: Connector, text: string): void {
    ws.broadcast(text);
  }
}

/** A JSON object to every connection of the route: with BENCH_RECOVERY=1 it is recoverable (position and history). */
@WebSocketRoute('/broadcast-json')
class BroadcastJson {
  @OnMessage()
  message(ws: Connector, msg: object): void {
    ws.broadcast(msg);
  }
}

async function main(): Promise<void> {
  const app = new App({ routes: [Echo, EchoAsync, EchoJson, EchoEvent, Broadcast, BroadcastJson], ...benchAppOptions() });
  const { port } = await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  console.log(`LISTENING ${port}`);
  process.on('SIGTERM', () => void app.close({ timeout: 1000 }).then(() => process.exit(0)));
}

// Also imported by switchboard-cluster.ts for its Broadcast route.
if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
