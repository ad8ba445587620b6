/**
 * The flooding connection of the flood scenarios, in a process of its own (forked by load-echo.ts, at the
 * lowest scheduling priority): written from the load generator's process, its write loop ran for as long
 * as the kernel took its writes and held up the generator's own event loop, so the measured latency of
 * the others included the generator waiting on itself (docs/limits.md#fairness). Argument: the target and
 * the request, as JSON. It ends when its parent disconnects or kills it.
 */
import { connectMany, type Conn, type Target } from './client';
import { buildClientFrame, repeatFrame } from './frames';

/** Frames per write. */
const FLOOD_BATCH = 1024;

const { target, request } = JSON.parse(process.argv[2]!) as { target: Target; request: string };
const batch = repeatFrame(buildClientFrame(request), FLOOD_BATCH);

/**
 * Writes whenever its socket has drained. A server that closes it (a rate limit, a queue overflow) gets it
 * back at once, as an abusive client would come back; the replies it reads are discarded. A server that
 * refuses it outright (down, or at capacity) ends the flood: the measurement goes on.
 */
async function start(): Promise<void> {
  const [conn] = await connectMany(target, 1, 1, 10000);
  const c: Conn = conn!;
  const pump = (): void => {
    while (!c.closed && c.socket.write(batch));
  };
  c.socket.on('drain', pump);
  c.socket.once('close', () => void start().catch(() => undefined));
  pump();
}

process.on('disconnect', () => process.exit(0));
void start().then(
  () => process.send!('flooding'),
  () => process.send!('refused'),
);
