/**
 * What recovery adds to one publish, counted by callgrind: giving a ~100 B JSON object its position and
 * storing it in its room's history (`Recovery.push`), the work on top of the fan-out. Two runs of this
 * script under callgrind, with N and N + Δ pushes, differ by exactly Δ pushes (start-up, compilation and
 * the first N cancel out); docs/recovery.md reports (I(N + Δ) − I(N)) / Δ.
 *
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null node dist/benchmarks/recovery-push.js <pushes>
 */
import { jsonOfSize } from './harness/protocols';
import { Presence } from '../lib/runtime/presence';
import { Recovery } from '../lib/runtime/recovery';
import { LocalBus } from '../lib/bus/local';
import { roomTopic } from '../lib/util/topics';

const pushes = Number(process.argv[2] ?? 100_000);
const bus = new LocalBus();
const recovery = new Recovery({ window: 120_000, historySize: 100 }, new Presence('bench', bus), bus);
const topic = roomTopic('lobby');
const payload = jsonOfSize(100);
let length = 0;
for (let i = 0; i < pushes; i++) length += (recovery.push(topic, payload, null) as string).length;
console.log(`${pushes} pushes, ${length} bytes stamped`);
