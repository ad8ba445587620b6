/**
 * Load and leaks at small counts (the soak suite runs the same scenarios at full counts): connect/
 * disconnect churn leaves no state behind, and app.close() under load closes every client with 1001.
 */
import WebSocket from 'ws';
import { Connector, OnClose, OnConnect, OnMessage, WebSocketRoute } from '../../lib';
import { closeAll, connect, start, within } from '../helpers';
import { bounded, count, cycle } from './scenarios';

afterEach(closeAll);

@WebSocketRoute('/room')
class Room {
  @OnConnect()
  connect(ws: Connector) {
    ws.join('lobby');
  }

  @OnMessage()
  message(_ws: Connector, text: string) {
    return text;
  }
}

test('connect/disconnect churn: the registry and rooms return to empty, the server still answers', async () => {
  const { app, port, url } = await start({ routes: [Room] });
  const cycles = count('LOAD_CYCLES', 200);
  await bounded(cycles, 10, () => cycle(port, '/room'));
  expect(app.connectionCount).toBe(0);
  expect(app.roomSize('lobby')).toBe(0);
  const c = await connect(url('/room'));
  c.send('alive');
  expect(await c.next()).toBe('alive');
});

/** Shared with the soak suite: `clients` busy connections, then app.close(). */
export async function closeUnderLoad(clients: number): Promise<void> {
  const closes = new Map<string, number>();
  let closeResolved = false;
  let lateHandlers = 0;
  @WebSocketRoute('/busy')
  class Busy {
    @OnMessage()
    async message(_ws: Connector, text: string) {
      if (closeResolved) lateHandlers++;
      await new Promise((resolve) => setImmediate(resolve));
      return text;
    }

    @OnClose()
    close(ws: Connector, code: number) {
      if (closeResolved) lateHandlers++;
      closes.set(ws.id, (closes.get(ws.id) ?? 0) + code * 0 + 1);
    }
  }
  const { app, url } = await start({ routes: [Busy] });
  const sockets: WebSocket[] = [];
  const codes: Promise<number>[] = [];
  await bounded(clients, 50, async () => {
    const ws = new WebSocket(url('/busy'));
    codes.push(new Promise((resolve) => ws.on('close', (code) => resolve(code))));
    ws.on('error', () => undefined);
    await within(new Promise((resolve) => ws.once('open', resolve)), 'a client to connect', 30_000);
    sockets.push(ws);
  });
  // Every client keeps sending while the app closes.
  let sending = true;
  const pump = (): void => {
    if (!sending) return;
    for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.send('x');
    setImmediate(pump);
  };
  pump();
  await within(app.close({ timeout: 20_000 }), 'app.close()', 30_000);
  closeResolved = true;
  const received = await within(Promise.all(codes), 'every client to see its close', 30_000);
  sending = false;
  expect(received.filter((code) => code !== 1001)).toEqual([]);
  expect(closes.size).toBe(clients);
  expect([...closes.values()].every((n) => n === 1)).toBe(true);
  // A round trip of the event loop after close resolved: nothing ran since.
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(lateHandlers).toBe(0);
}

test('app.close() under load: every client gets 1001, every @OnClose runs once, no handler runs after close resolves', async () => {
  await closeUnderLoad(count('LOAD_CLIENTS', 50));
});
