/**
 * idleTimeout and compression, on whichever transport the suite runs on (SWITCHBOARD_TRANSPORT): a
 * silent peer is pinged, then dropped (1006) once the timeout passes without an answer; a peer whose
 * client answers pings stays; permessage-deflate is negotiated when the route asks for it.
 */
import { Connector, OnClose, OnMessage, WebSocketRoute } from '../../lib';
import { closeAll, connect, delay, eventually, start, within } from '../helpers';
import { rawUpgrade } from '../reliability/raw';

afterEach(closeAll);
// The shortest idle timeout switchboard accepts is 8 s; uWS counts it in 4-second steps.
jest.setTimeout(60_000);

const PING = 0x9;
const closes: number[] = [];

@WebSocketRoute('/idle', { idleTimeout: 8 })
class Idle {
  @OnMessage()
  message(_ws: Connector, text: string) {
    return `echo:${text}`;
  }

  @OnClose()
  close(_ws: Connector, code: number) {
    closes.push(code);
  }
}

@WebSocketRoute('/deflate', { compression: true })
class Deflate {
  @OnMessage()
  message(_ws: Connector, text: string) {
    return text.repeat(2);
  }
}

test('a silent peer is pinged, then dropped with 1006 within the timeout and its granularity; a peer that answers pings stays', async () => {
  closes.length = 0;
  const { port, url } = await start({ routes: [Idle] });
  const answering = await connect(url('/idle'));
  const silent = await rawUpgrade(port, '/idle');
  const opened = Date.now();
  // The raw client reads frames but never answers: it gets a ping, then the connection ends.
  expect((await silent.next(16_000)).opcode).toBe(PING);
  const { error } = await silent.end(16_000);
  const after = (Date.now() - opened) / 1000;
  expect(error).toBeNull();
  // uWS's timers tick every 4 s, so its 8 s can be anything from 4 to 12 s; the portable transport counts seconds.
  expect(after).toBeGreaterThanOrEqual(4);
  expect(after).toBeLessThan(16);
  // A dropped connection's @OnClose: at once on uWS, once ws has seen the socket close on the portable transport.
  await eventually(() => closes.length > 0, '@OnClose of the silent peer');
  expect(closes).toEqual([1006]);
  // `ws` answers pings by itself: still open past the timeout, and served.
  await delay(2000);
  answering.send('still here');
  expect(await answering.next()).toBe('echo:still here');
  await answering.close();
});

test('compression: true negotiates permessage-deflate with a client that offers it, and messages round-trip', async () => {
  const { url } = await start({ routes: [Deflate] });
  const client = await connect(url('/deflate'), { perMessageDeflate: true });
  expect(client.ws.extensions).toMatch(/^permessage-deflate/);
  const text = 'compressible '.repeat(200);
  client.send(text);
  expect(await within(client.next(), 'the compressed echo')).toBe(text.repeat(2));
  await client.close();
});
