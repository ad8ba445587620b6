/**
 * app.metrics(): the Prometheus text exposition, parsed with a Prometheus text parser, its counts
 * matching the traffic the test sent.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { z } from 'zod';
import { App, Connector, OnClose, OnMessage, WebSocketRoute, WsError } from '../../lib';
import { DURATION_BUCKETS, SAMPLE_EVERY } from '../../lib/compile/stats';
import { exposition } from '../../lib/operate/prometheus';
import { testApp, type TestApp } from '../../lib/testing';
import { eventually, recordingLogger } from '../helpers';

@WebSocketRoute('/echo')
class Echo {
  @OnMessage()
  message(text: string) {
    return text;
  }
}

@WebSocketRoute('/events/{room}')
class Events {
  @OnMessage('say', { schema: z.object({ text: z.string().min(1) }) })
  say(_ws: Connector, msg: { text: string }) {
    return { said: msg.text };
  }

  @OnMessage('boom')
  boom(): never {
    throw new Error('a bug');
  }

  @OnMessage('nope')
  nope(): never {
    throw new WsError('not_allowed', 'No');
  }

  @OnClose()
  close(): never {
    throw new Error('a bug in @OnClose');
  }
}

/** Releases the pending handler of /slow when the test says so. */
let release: () => void = () => undefined;

@WebSocketRoute('/slow', { maxQueuedMessages: 1 })
class Slow {
  @OnMessage()
  message(): Promise<string> {
    return new Promise((resolve) => (release = () => resolve('done')));
  }
}

const dropped = { sent: 0, dropped: 0 };

@WebSocketRoute('/flood', { maxBackpressure: 64 * 1024 })
class Flood {
  /** 32 MiB in one synchronous loop: far more than loopback's socket buffers hold, so sends get dropped. */
  @OnMessage()
  message(ws: Connector) {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    for (let i = 0; i < 512; i++) {
      if (ws.send(chunk)) dropped.sent++;
      else dropped.dropped++;
    }
  }
}

type Families = ReturnType<typeof parsePrometheusTextFormat>;

function parse(text: string): Families {
  return parsePrometheusTextFormat(text);
}

/** The value of a family's sample for a route (or the unlabelled sample); NaN when absent. */
function value(families: Families, name: string, route?: string): number {
  const family = families.find((f) => f.name === name);
  const sample = family?.metrics.find((m) => (route === undefined ? m.labels === undefined || Object.keys(m.labels).length === 0 : m.labels?.route === route));
  return Number(sample?.value ?? NaN);
}

let t: TestApp<App>;
afterEach(() => t?.close());

describe('app.metrics()', () => {
  test('before listen: every family with its HELP and TYPE, no samples', () => {
    const families = parse(new App({ routes: [Echo] }).metrics());
    expect(families.map((f) => [f.name, f.type])).toEqual([
      ['switchboard_connections_open', 'GAUGE'],
      ['switchboard_connections_total', 'COUNTER'],
      ['switchboard_messages_in_total', 'COUNTER'],
      ['switchboard_messages_out_total', 'COUNTER'],
      ['switchboard_handler_errors_total', 'COUNTER'],
      ['switchboard_validation_failures_total', 'COUNTER'],
      ['switchboard_queue_overflows_total', 'COUNTER'],
      ['switchboard_rate_limited_total', 'COUNTER'],
      ['switchboard_rate_limit_closes_total', 'COUNTER'],
      ['switchboard_backpressure_drops_total', 'COUNTER'],
      ['switchboard_handler_duration_seconds', 'HISTOGRAM'],
      ['switchboard_fanout_deliveries_total', 'COUNTER'],
      ['switchboard_refused_connections_total', 'COUNTER'],
      ['switchboard_restart_closes_total', 'COUNTER'],
      ['switchboard_presence_rooms', 'GAUGE'],
      ['switchboard_presence_entries', 'GAUGE'],
      ['switchboard_presence_local_entries', 'GAUGE'],
      ['switchboard_bus_published_total', 'COUNTER'],
      ['switchboard_bus_received_total', 'COUNTER'],
      ['switchboard_bus_dropped_total', 'COUNTER'],
      ['switchboard_bus_reconnects_total', 'COUNTER'],
    ]);
    expect(families.find((f) => f.name === 'switchboard_connections_open')!.metrics).toEqual([]);
  });

  test('connections, messages in and out, per route', async () => {
    t = await testApp(new App({ routes: [Echo, Events], logger: recordingLogger() }));
    const a = await t.connect('/echo');
    const b = await t.connect('/echo');
    for (let i = 0; i < 5; i++) a.send(`a${i}`);
    for (let i = 0; i < 3; i++) b.send(`b${i}`);
    for (let i = 0; i < 5; i++) expect(await a.next()).toBe(`a${i}`);
    for (let i = 0; i < 3; i++) expect(await b.next()).toBe(`b${i}`);
    let m = parse(t.app.metrics());
    expect(value(m, 'switchboard_connections_open', '/echo')).toBe(2);
    expect(value(m, 'switchboard_connections_total', '/echo')).toBe(2);
    expect(value(m, 'switchboard_messages_in_total', '/echo')).toBe(8);
    expect(value(m, 'switchboard_messages_out_total', '/echo')).toBe(8);
    expect(value(m, 'switchboard_connections_open', '/events/{room}')).toBe(0);
    await b.close();
    await eventually(() => t.app.connectionCount === 1, 'the server to see the close');
    m = parse(t.app.metrics());
    expect(value(m, 'switchboard_connections_open', '/echo')).toBe(1);
    expect(value(m, 'switchboard_connections_total', '/echo')).toBe(2);
  });

  test('validation failures and handler errors (a WsError is not one), @OnClose failures included', async () => {
    const logger = recordingLogger();
    t = await testApp(new App({ routes: [Events], logger }));
    const c = await t.connect('/events/lobby');
    expect(await c.request('say', { text: 'hi' })).toEqual({ said: 'hi' });
    await expect(c.request('say', { text: '' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(c.request('say', {})).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(c.request('boom')).rejects.toMatchObject({ code: 'internal_error' });
    await expect(c.request('nope')).rejects.toMatchObject({ code: 'not_allowed' });
    let m = parse(t.app.metrics());
    expect(value(m, 'switchboard_messages_in_total', '/events/{room}')).toBe(5);
    expect(value(m, 'switchboard_messages_out_total', '/events/{room}')).toBe(5);
    expect(value(m, 'switchboard_validation_failures_total', '/events/{room}')).toBe(2);
    expect(value(m, 'switchboard_handler_errors_total', '/events/{room}')).toBe(1);
    await c.close();
    await eventually(() => logger.errors.length === 2, '@OnClose to fail');
    m = parse(t.app.metrics());
    expect(value(m, 'switchboard_handler_errors_total', '/events/{room}')).toBe(2);
  });

  test(`handler durations: one message in ${SAMPLE_EVERY} is timed, buckets cumulative up to +Inf`, async () => {
    t = await testApp(new App({ routes: [Echo] }));
    const c = await t.connect('/echo');
    const messages = SAMPLE_EVERY * 3 + 5;
    for (let i = 0; i < messages; i++) c.send(String(i));
    for (let i = 0; i < messages; i++) expect(await c.next()).toBe(String(i));
    const text = t.app.metrics();
    expect(parse(text).find((f) => f.name === 'switchboard_handler_duration_seconds')?.type).toBe('HISTOGRAM');
    // The parser merges the series of a labelled histogram into one: its lines are read as untyped samples.
    const lines = parse(text.replace('# TYPE switchboard_handler_duration_seconds histogram', ''));
    const series = (suffix: string) =>
      lines.find((f) => f.name === `switchboard_handler_duration_seconds${suffix}`)!.metrics.filter((s) => s.labels?.route === '/echo');
    expect(series('_count').map((s) => s.value)).toEqual(['3']);
    expect(Number(series('_sum')[0]!.value)).toBeGreaterThan(0);
    const buckets = series('_bucket');
    expect(buckets.map((s) => s.labels!.le)).toEqual([...DURATION_BUCKETS.map(String), '+Inf']);
    expect(buckets[buckets.length - 1]!.value).toBe('3');
    const counts = buckets.map((s) => Number(s.value));
    expect(counts).toEqual([...counts].sort((x, y) => x - y));
  });

  test('a queue overflow (1008) is counted', async () => {
    t = await testApp(new App({ routes: [Slow] }));
    const c = await t.connect('/slow');
    c.send('first'); // runs, pending
    c.send('second'); // queued
    c.send('third'); // one too many
    expect(await c.closed()).toEqual({ code: 1008, reason: 'Too many queued messages' });
    release();
    const m = parse(t.app.metrics());
    expect(value(m, 'switchboard_queue_overflows_total', '/slow')).toBe(1);
    expect(value(m, 'switchboard_messages_in_total', '/slow')).toBe(3);
  });

  test('frames dropped for backpressure are counted, as many as send() reported', async () => {
    t = await testApp(new App({ routes: [Flood] }));
    const c = await t.connect('/flood');
    c.send('go');
    await eventually(() => dropped.sent + dropped.dropped === 512, 'the flood');
    expect(dropped.dropped).toBeGreaterThan(0);
    const m = parse(t.app.metrics());
    expect(value(m, 'switchboard_backpressure_drops_total', '/flood')).toBe(dropped.dropped);
    expect(value(m, 'switchboard_messages_out_total', '/flood')).toBe(dropped.sent);
  });

  test('fan-out deliveries and the bus: a broadcast to three connections', async () => {
    @WebSocketRoute('/room')
    class Room {
      @OnMessage()
      message(ws: Connector, text: string) {
        ws.broadcast(text);
      }
    }
    t = await testApp(new App({ routes: [Room] }));
    const clients = [await t.connect('/room'), await t.connect('/room'), await t.connect('/room')];
    clients[0]!.send('hello');
    for (const c of clients) expect(await c.next()).toBe('hello');
    t.app.broadcast(Room, 'from the app');
    for (const c of clients) expect(await c.next()).toBe('from the app');
    const m = parse(t.app.metrics());
    expect(value(m, 'switchboard_fanout_deliveries_total')).toBe(6);
    expect(value(m, 'switchboard_bus_published_total')).toBe(2);
    expect(value(m, 'switchboard_bus_received_total')).toBe(0);
    expect(value(m, 'switchboard_messages_out_total', '/room')).toBe(0);
  });

  test("presence: rooms followed, their entries, this process's own; a close takes its entry away", async () => {
    @WebSocketRoute('/board/{id}')
    class Board {
      @OnMessage()
      message(ws: Connector, user: string) {
        ws.join(`board:${ws.params.id}`, { presence: { key: user } });
      }
    }
    t = await testApp(new App({ routes: [Board] }));
    const gauges = () => {
      const m = parse(t.app.metrics());
      return ['rooms', 'entries', 'local_entries'].map((g) => value(m, `switchboard_presence_${g}`));
    };
    expect(gauges()).toEqual([0, 0, 0]);
    const ann = await t.connect('/board/1');
    const ann2 = await t.connect('/board/1');
    const bob = await t.connect('/board/2');
    ann.send('ann');
    ann2.send('ann');
    bob.send('bob');
    for (const c of [ann, ann2, bob]) expect((await c.nextJson<{ event: string }>()).event).toBe('presence_state');
    expect(gauges()).toEqual([2, 3, 3]);
    await ann2.close();
    await eventually(() => gauges()[1] === 2, 'the closed connection to leave');
    expect(gauges()).toEqual([2, 2, 2]);
  });

  test('app.metricsResponse() serves it with the Content-Type Prometheus expects', async () => {
    const app = new App({ routes: [Echo] });
    app.get('/metrics', () => app.metricsResponse());
    t = await testApp(app);
    const c = await t.connect('/echo');
    c.send('x');
    expect(await c.next()).toBe('x');
    const res = await t.fetch('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const m = parse(await res.text());
    expect(value(m, 'switchboard_messages_in_total', '/echo')).toBe(1);
  });

  test('exposition(): label values and help text are escaped, and read back as they were', () => {
    const text = exposition([
      { name: 'x_total', help: 'a \\ backslash\nand a newline', type: 'counter', samples: [{ labels: { route: '/a"b\\c\nd' }, value: 1 }] },
    ]);
    expect(text).toBe('# HELP x_total a \\\\ backslash\\nand a newline\n# TYPE x_total counter\nx_total{route="/a\\"b\\\\c\\nd"} 1\n');
    expect(parse(text)[0]!.metrics[0]!.labels).toEqual({ route: '/a"b\\c\nd' });
  });
});
