/**
 * Admission control: maxConnections (503 / 4503), maxConnectionsPerIp (429 / 4429), both with
 * Retry-After; trustProxy and X-Forwarded-For; maxRooms on ws.join.
 */
import WebSocket from 'ws';
import { App, Connector, OnConnect, OnMessage, WebSocketRoute } from '../../lib';
import { closeAll, connect, eventually, start, upgradeStatus, within, type Client } from '../helpers';

afterEach(closeAll);

@WebSocketRoute('/ws')
class Echo {
  @OnConnect()
  connect(ws: Connector) {
    return ws.remoteAddress;
  }

  @OnMessage()
  message(ws: Connector, text: string) {
    if (text.startsWith('join ')) {
      for (const room of text.slice(5).split(',')) ws.join(room);
      return [...ws.rooms].join(',');
    }
    return text;
  }
}

type Outcome = { status: number; retryAfter: string | undefined; body: string } | { status: 101; close: { code: number; reason: string }; frames: string[] };

/** What an upgrade gets: an HTTP refusal (status, Retry-After, body) or, for a subprotocol client, the close. */
function attempt(url: string, protocols: string[] = [], headers: Record<string, string> = {}): Promise<Outcome> {
  const ws = new WebSocket(url, protocols, { headers });
  const frames: string[] = [];
  return within(
    new Promise<Outcome>((resolve, reject) => {
      ws.on('message', (data: Buffer) => frames.push(data.toString('utf8')));
      ws.on('close', (code, reason) => resolve({ status: 101, close: { code, reason: reason.toString('utf8') }, frames }));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }));
      });
      ws.once('error', reject);
    }),
    `the outcome of ${url}`,
  );
}

async function open(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = await connect(url, { headers });
  await client.next();
  return client;
}

describe('maxConnections', () => {
  test('refuses the connection past it with 503 and Retry-After, 4503 for subprotocol clients; a freed slot is taken again', async () => {
    const { app, url } = await start({ routes: [Echo], maxConnections: 2 });
    const first = await open(url('/ws'));
    await open(url('/ws'));
    expect(await attempt(url('/ws'))).toEqual({ status: 503, retryAfter: '5', body: 'Server at capacity' });
    expect(await attempt(url('/ws'), ['switchboard'])).toEqual({
      status: 101,
      close: { code: 4503, reason: 'Server at capacity; window=5000' },
      frames: [],
    });
    expect(app.connectionCount).toBe(2);
    await first.close();
    await eventually(() => app.connectionCount === 1, 'the closed connection to leave');
    await open(url('/ws'));
    expect(app.metrics()).toContain('switchboard_refused_connections_total{cause="maxConnections"} 2');
  });
});

describe('maxConnectionsPerIp', () => {
  test('refuses a third connection of one address with 429 (4429), not another address', async () => {
    const { url } = await start({ routes: [Echo], maxConnectionsPerIp: 2, trustProxy: true });
    const alice = { 'x-forwarded-for': '203.0.113.7' };
    const a1 = await open(url('/ws'), alice);
    await open(url('/ws'), alice);
    expect(await attempt(url('/ws'), [], alice)).toEqual({ status: 429, retryAfter: '5', body: 'Too many connections from this address' });
    expect(await attempt(url('/ws'), ['switchboard'], alice)).toMatchObject({
      close: { code: 4429, reason: 'Too many connections from this address; window=5000' },
    });
    await open(url('/ws'), { 'x-forwarded-for': '203.0.113.8' });
    await a1.close();
    await eventually(async () => (await upgradeStatus(url('/ws'), { headers: alice })).status === 101, 'a slot of 203.0.113.7 to free up');
  });

  test('counts the peer address when trustProxy is off: a forged X-Forwarded-For changes nothing', async () => {
    const { url } = await start({ routes: [Echo], maxConnectionsPerIp: 1 });
    const client = await connect(url('/ws'), { headers: { 'x-forwarded-for': '198.51.100.1' } });
    expect(await client.next()).toBe('127.0.0.1');
    expect(await attempt(url('/ws'), [], { 'x-forwarded-for': '198.51.100.2' })).toMatchObject({ status: 429 });
  });
});

describe('trustProxy', () => {
  test('ws.remoteAddress is the entry the trusted proxies appended, counted from the right', async () => {
    const one = await start({ routes: [Echo], trustProxy: true });
    const forged = { 'x-forwarded-for': '6.6.6.6, 203.0.113.7' };
    expect(await (await connect(one.url('/ws'), { headers: forged })).next()).toBe('203.0.113.7');
    expect(await (await connect(one.url('/ws'))).next()).toBe('127.0.0.1');
    const two = await start({ routes: [Echo], trustProxy: 2 });
    expect(await (await connect(two.url('/ws'), { headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.7, 10.0.0.2' } })).next()).toBe('203.0.113.7');
    expect(await (await connect(two.url('/ws'), { headers: { 'x-forwarded-for': '203.0.113.9' } })).next()).toBe('203.0.113.9');
  });

  test('is off by default: the header is ignored', async () => {
    const { url } = await start({ routes: [Echo] });
    expect(await (await connect(url('/ws'), { headers: { 'x-forwarded-for': '203.0.113.7' } })).next()).toBe('127.0.0.1');
  });
});

describe('maxRooms', () => {
  test('ws.join past it throws a too_many_rooms WsError: the client gets its frame, the rooms stay as they were', async () => {
    const { url } = await start({ routes: [Echo], maxRooms: 2 });
    const client = await open(url('/ws'));
    client.send('join a,b');
    expect(await client.next()).toBe('a,b');
    client.send('join a,c');
    expect(await client.nextJson()).toEqual({
      error: { code: 'too_many_rooms', message: 'This connection is already in 2 rooms (maxRooms): leave one first' },
    });
    client.send('join b');
    expect(await client.next()).toBe('a,b');
  });
});

describe('option checks', () => {
  test.each([
    [{ maxConnections: 0 }, /"maxConnections" must be an integer from 1/],
    [{ maxConnectionsPerIp: 1.5 }, /"maxConnectionsPerIp" must be an integer from 1/],
    [{ trustProxy: 'yes' }, /"trustProxy" must be an integer from 0 to 64/],
    [{ maxRooms: -1 }, /"maxRooms" must be an integer from 0/],
  ])('%j is refused', (options, message) => {
    expect(() => new App(options as never)).toThrow(message);
  });
});
