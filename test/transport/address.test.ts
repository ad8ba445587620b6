import { App, Connector, OnConnect, WebSocketRoute } from '../../lib';
import { addressText } from '../../lib/transport/address';
import { connect, recordingLogger } from '../helpers';

test('uWS long forms become the usual text of an address', () => {
  expect(addressText('0000:0000:0000:0000:0000:ffff:7f00:0001')).toBe('127.0.0.1');
  expect(addressText('0000:0000:0000:0000:0000:ffff:c0a8:0a2d')).toBe('192.168.10.45');
  expect(addressText('0000:0000:0000:0000:0000:0000:0000:0001')).toBe('::1');
  expect(addressText('2001:0db8:0000:0000:0000:0000:0000:0007')).toBe('2001:db8::7');
  expect(addressText('2001:0db8:0000:0001:0000:0000:0000:0001')).toBe('2001:db8:0:1::1');
  expect(addressText('2001:0db8:0000:0000:0001:0000:0000:0001')).toBe('2001:db8::1:0:0:1');
  expect(addressText('2001:0db8:0001:0002:0003:0004:0005:0006')).toBe('2001:db8:1:2:3:4:5:6');
  expect(addressText('fe80:0000:0000:0000:0204:61ff:fe9d:f156')).toBe('fe80::204:61ff:fe9d:f156');
  expect(addressText('2001:0db8:0000:0001:0001:0001:0001:0001')).toBe('2001:db8:0:1:1:1:1:1');
  expect(addressText('127.0.0.1')).toBe('127.0.0.1');
  expect(addressText('')).toBe('');
});

test('an IPv4 client of a listener on all interfaces is seen as 127.0.0.1', async () => {
  @WebSocketRoute('/who')
  class Who {
    @OnConnect()
    connect(ws: Connector) {
      return ws.remoteAddress;
    }
  }
  // No host: a dual-stack listener, for which uWS reports IPv4 peers in their IPv6 long form.
  const app = new App({ routes: [Who], logger: recordingLogger() });
  const { port } = await app.listen(0);
  try {
    const c = await connect(`ws://127.0.0.1:${port}/who`);
    expect(await c.next()).toBe('127.0.0.1');
    await c.close();
  } finally {
    await app.close();
  }
});
