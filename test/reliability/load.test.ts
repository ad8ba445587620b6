/**
 * Load and leaks at small counts (the soak suite runs the same scenarios at full counts): connect/
 * disconnect churn leaves no state behind, and app.close() under load closes every client with 1001.
 */
import { Connector, OnConnect, OnMessage, WebSocketRoute } from '../../lib';
import { closeAll, connect, recordingLogger, start, within } from '../helpers';
import { bounded, closeUnderLoad, count, cycle } from './scenarios';

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
  const logger = recordingLogger();
  const { app, port, url } = await start({ routes: [Room], logger });
  const cycles = count('LOAD_CYCLES', 200);
  await bounded(cycles, 10, () => cycle(port, '/room'));
  expect(app.connectionCount).toBe(0);
  expect(app.roomSize('lobby')).toBe(0);
  const c = await connect(url('/room'));
  c.send('alive');
  expect(await c.next()).toBe('alive');
  // Every connection was finalized once: close() has only the live one to wait for, and does not time out.
  await within(app.close({ timeout: 5000 }), 'app.close()');
  expect(logger.warnings).toEqual([]);
});

test('app.close() under load: every client gets 1001, every @OnClose runs once, no handler runs after close resolves', async () => {
  await closeUnderLoad(count('LOAD_CLIENTS', 50));
});
