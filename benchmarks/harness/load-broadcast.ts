/**
 * Broadcast load: one sender publishes, every connection (receivers and the sender) gets each
 * message. Deliveries arrive in publish order on each connection, so the k-th frame a connection
 * receives is publish k: its latency is measured against that publish's send time. A new publish
 * goes out when one has reached every connection, keeping `inFlight` outstanding.
 */
import { performance } from 'node:perf_hooks';
import { closeAll, connect, connectMany, upgradeRequest, type Conn, type Target } from './client';
import { buildClientFrame, repeatFrame } from './frames';
import { Histogram } from './histogram';
import { measureWindows, sleep, type Sample } from './measure';

export interface BroadcastLoad {
  receivers: number;
  inFlight: number;
  request: string;
}

const RING = 1 << 16;
const MASK = RING - 1;

export async function runBroadcast(
  target: Target,
  pid: number | (() => number),
  load: BroadcastLoad,
  warmupMs: number,
  windowMs: number,
  repetitions: number,
): Promise<Sample[]> {
  const receivers: Conn[] = [];
  let sender: Conn;
  try {
    receivers.push(...(await connectMany(target, load.receivers, 50, 10000)));
    sender = await connect(target, upgradeRequest(target), 10000);
  } catch (err) {
    await closeAll(receivers, 1000);
    throw err;
  }
  const conns = [...receivers, sender];
  conns.forEach((c, i) => (c.index = i));
  const subscribers = conns.length;
  const frame = buildClientFrame(load.request);
  const batch = repeatFrame(frame, load.inFlight);
  const sendTime = new Float64Array(RING);
  const reached = new Int32Array(RING);
  const received = new Int32Array(subscribers);
  const hist = new Histogram();
  let published = 0;
  let completed = 0;
  let deliveries = 0;
  let running = false;
  let unexpected = '';
  let lastProgress = performance.now();

  const publish = (now: number): void => {
    let m = 0;
    while (published - completed < load.inFlight) {
      const slot = published & MASK;
      sendTime[slot] = now;
      reached[slot] = 0;
      published++;
      m++;
    }
    if (m === 1) sender.socket.write(frame);
    else if (m > 1) sender.socket.write(batch.subarray(0, m * frame.length));
  };

  const onReplies = (c: Conn, count: number): void => {
    const i = c.index;
    const now = performance.now();
    let seq = received[i] ?? 0;
    if (seq + count > published) {
      unexpected ||= `connection ${i} received more frames than were published`;
      return;
    }
    for (let k = 0; k < count; k++, seq++) {
      const slot = seq & MASK;
      hist.record((now - (sendTime[slot] ?? now)) * 1000);
      const r = (reached[slot] ?? 0) + 1;
      reached[slot] = r;
      if (r === subscribers) completed++;
    }
    received[i] = seq;
    deliveries += count;
    lastProgress = now;
    if (running) publish(now);
  };
  for (const c of conns) c.onReplies = onReplies;

  try {
    // Some servers register a subscriber just after the 101 goes out; let them catch up, then
    // check that a first broadcast reaches everyone before load starts.
    await sleep(300);
    publish(performance.now());
    const deadline = performance.now() + 5000;
    while (completed < published && performance.now() < deadline) await sleep(10);
    if (completed < published) {
      const missing = Array.from(received).filter((r) => r < published).length;
      throw new Error(`the first broadcasts did not reach ${missing} of ${subscribers} connections within 5 s`);
    }
    running = true;
    publish(performance.now());
    const check = (): void => {
      if (unexpected !== '') throw new Error(unexpected);
      const dead = conns.filter((c) => c.closed);
      if (dead.length > 0) throw new Error(`${dead.length} of ${subscribers} connections closed during the run (${dead[0]?.closedBy ?? ''})`);
      if (performance.now() - lastProgress > 3000)
        throw new Error(`broadcast stalled: no delivery for 3 s (${completed} of ${published} publishes reached everyone)`);
    };
    return await measureWindows(pid, warmupMs, windowMs, repetitions, { ops: () => deliveries, check, histogram: hist });
  } finally {
    running = false;
    const deadline = performance.now() + 2000;
    while (completed < published && performance.now() < deadline && !conns.some((c) => c.closed)) await sleep(10);
    await closeAll(conns, 2000);
  }
}
