/**
 * The server of the soak tests, in its own process so that its memory is measured apart from the
 * clients', and so that 10,000 connections need 10,000 descriptors here and 10,000 in the test process.
 * Driven over IPC: every request gets one reply with the same `seq`.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { App, Connector, OnClose, OnConnect, OnMessage, WebSocketRoute } from '../../../lib';

const counts = { closes: 0, afterClose: 0 };
let closed = false;

@WebSocketRoute('/echo')
class Echo {
  @OnConnect()
  connect(ws: Connector) {
    ws.join('lobby');
  }

  @OnMessage()
  message(_ws: Connector, text: string) {
    if (closed) counts.afterClose++;
    return text;
  }

  @OnClose()
  close() {
    if (closed) counts.afterClose++;
    counts.closes++;
  }
}

/** One room per connection, named by the path: the inspection page's worst case, as many rooms as connections. */
@WebSocketRoute('/room/:name')
class Room {
  @OnConnect()
  connect(ws: Connector) {
    ws.join(ws.params.name!);
  }
}

/** The flooding client's target in the fairness test: its messages queue behind a pending handler. */
@WebSocketRoute('/echo-async')
class EchoAsync {
  @OnMessage()
  async message(_ws: Connector, text: string) {
    return await Promise.resolve(text);
  }
}

const pushers = new Set<Connector>();

@WebSocketRoute('/push', { maxBackpressure: 1024 * 1024, closeOnBackpressureLimit: process.env.CLOSE_ON_LIMIT === '1' })
class Push {
  @OnConnect()
  connect(ws: Connector) {
    pushers.add(ws);
    return 'ready';
  }

  @OnClose()
  close(ws: Connector) {
    pushers.delete(ws);
  }
}

export interface Stats {
  rss: number;
  heapUsed: number;
  connections: number;
  lobby: number;
  closes: number;
  afterClose: number;
}

export interface PushResult {
  sent: number;
  dropped: number;
  maxRss: number;
  open: boolean;
}

export interface LoopStats {
  /** The event loop's delay since the last `loop` request: its longest, and its p99 (ms). */
  max: number;
  p99: number;
  /** process.cpuUsage() now (microseconds). */
  cpu: NodeJS.CpuUsage;
}

export type Request = { seq: number } & ({ cmd: 'stats' } | { cmd: 'push'; bytes: number } | { cmd: 'close' } | { cmd: 'cpu' } | { cmd: 'loop' });

const quiet = { error: (): void => undefined, warn: (): void => undefined };
/** RATE_LIMIT=messages/per/burst: the App's rate limit (the fairness test runs with and without one); unset or `none`: no limit. */
const spec = process.env.RATE_LIMIT ?? 'none';
const [messages, per, burst] = spec.split('/').map(Number);
const rateLimit = spec === 'none' ? undefined : { messages: messages!, per: per!, burst: burst! };
const app = new App({ routes: [Echo, EchoAsync, Push, Room], logger: quiet, rateLimit });
// ADMIN_TOKEN serves the inspection page (admin.soak.ts measures what it costs).
if (process.env.ADMIN_TOKEN !== undefined) app.admin('/admin', { token: process.env.ADMIN_TOKEN });
/** What the fairness test reads about the server itself: how long a turn of its event loop kept the others waiting. */
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
const gc = (globalThis as { gc?: () => void }).gc;

function stats(): Stats {
  gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed, connections: app.connectionCount, lobby: app.roomSize('lobby'), ...counts };
}

/** Pushes `bytes` to the one /push connection in 64 KiB frames, a batch per event-loop turn, as an app feeding a stream would. */
function push(bytes: number): Promise<PushResult> {
  const [ws] = pushers;
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const result: PushResult = { sent: 0, dropped: 0, maxRss: process.memoryUsage().rss, open: true };
  let left = bytes;
  return new Promise((resolve) => {
    const step = (): void => {
      for (let i = 0; i < 16 && left > 0; i++, left -= chunk.length) {
        if (ws !== undefined && ws.send(chunk)) result.sent += chunk.length;
        else result.dropped += chunk.length;
      }
      result.maxRss = Math.max(result.maxRss, process.memoryUsage().rss);
      if (left > 0) setImmediate(step);
      else {
        result.open = ws !== undefined && ws.isOpen;
        resolve(result);
      }
    };
    step();
  });
}

async function handle(request: Request): Promise<unknown> {
  switch (request.cmd) {
    case 'stats':
      return stats();
    case 'push':
      return push(request.bytes);
    case 'cpu':
      return process.cpuUsage();
    case 'loop': {
      const loop: LoopStats = { max: loopDelay.max / 1e6, p99: loopDelay.percentile(99) / 1e6, cpu: process.cpuUsage() };
      loopDelay.reset();
      return loop;
    }
    case 'close':
      await app.close({ timeout: 10_000 });
      closed = true;
      // Anything a handler does from here on counts as running after close resolved.
      await new Promise((resolve) => setTimeout(resolve, 50));
      return stats();
  }
}

process.on('message', (request: Request) => {
  void handle(request).then((reply) => process.send!({ seq: request.seq, reply }));
});

void app.listen(0, '127.0.0.1').then(({ port }) => process.send!({ seq: 0, reply: { port } }));
