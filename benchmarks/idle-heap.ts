/**
 * Where an idle connection's memory goes, by object type: the server's V8 heap snapshot with half the
 * connections open, and again with all of them; what the second half added, divided by its connections,
 * grouped by what V8 calls each object (its constructor, or `string`, `closure`, `array`…). The slope, not
 * the total: what each further connection costs, without what the first ones cost once. The server writes
 * its snapshots itself on SIGUSR2 (Node's --heapsnapshot-signal), which runs a full GC first.
 *
 *   node dist/benchmarks/idle-heap.js [--servers=switchboard,uws] [--connections=10000] [--top=16]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectMany, destroyAll, type Conn } from './harness/client';
import { sleep } from './harness/measure';
import { exitWith, startServer } from './harness/server-process';
import { servers } from './servers';

/** Bytes and object count per group. */
type Breakdown = Map<string, { bytes: number; count: number }>;

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Objects are grouped by constructor name; strings, code and the like by their type alone. */
const GROUPED_BY_NAME = new Set(['object', 'closure', 'native', 'hidden', 'array', 'object shape']);

function breakdown(file: string): Breakdown {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as HeapSnapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const groups: Breakdown = new Map();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + typeAt]!] ?? '?';
    const key = GROUPED_BY_NAME.has(type) ? `${type} ${snap.strings[snap.nodes[i + nameAt]!] ?? '?'}` : type;
    const g = groups.get(key) ?? { bytes: 0, count: 0 };
    g.bytes += snap.nodes[i + sizeAt]!;
    g.count++;
    groups.set(key, g);
  }
  return groups;
}

/** Sends SIGUSR2 and waits (bounded) until the snapshot file it makes is complete. */
async function snapshot(pid: number, dir: string): Promise<string> {
  const before = new Set(fs.readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 120000;
  let lastSize = -1;
  while (Date.now() < deadline) {
    await sleep(500);
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (file === undefined) continue;
    const full = path.join(dir, file);
    const size = fs.statSync(full).size;
    // Node writes the file from the main thread; a size that stopped growing and a closing bracket mean done.
    if (size > 0 && size === lastSize && fs.readFileSync(full, 'utf8').trimEnd().endsWith('}')) return full;
    lastSize = size;
  }
  throw new Error(`no heap snapshot from PID ${pid} within 120 s`);
}

async function probeServer(name: string, connections: number, top: number): Promise<void> {
  const spec = servers.find((s) => s.name === name);
  if (spec === undefined) throw new Error(`unknown server ${name}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swb-heap-'));
  const command = spec.command();
  const argv = [command.argv[0]!, '--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`, ...command.argv.slice(1)];
  const server = await startServer({ ...command, argv }, null, 30000);
  const conns: Conn[] = [];
  try {
    const target = { port: server.port, path: '/echo', protocol: 'plain' as const };
    const half = Math.floor(connections / 2);
    conns.push(...(await connectMany(target, half, 100, 15000)));
    await sleep(2000);
    const first = breakdown(await snapshot(server.pid, dir));
    conns.push(...(await connectMany(target, connections - half, 100, 15000)));
    await sleep(2000);
    const second = breakdown(await snapshot(server.pid, dir));
    const added = connections - half;
    const rows = [...second].map(([key, g]) => {
      const was = first.get(key) ?? { bytes: 0, count: 0 };
      return { key, bytes: (g.bytes - was.bytes) / added, count: (g.count - was.count) / added };
    });
    rows.sort((a, b) => b.bytes - a.bytes);
    const total = rows.reduce((sum, r) => sum + r.bytes, 0);
    console.log(`${spec.label}: JS heap added per connection from ${half} to ${connections} idle connections: ${total.toFixed(0)} B`);
    for (const r of rows.slice(0, top)) console.log(`  ${r.bytes.toFixed(1).padStart(8)} B  ${r.count.toFixed(2).padStart(6)} objects  ${r.key}`);
  } finally {
    destroyAll(conns);
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  let names = ['switchboard', 'uws'];
  let connections = 10000;
  let top = 16;
  for (const a of process.argv.slice(2)) {
    const [k, v = ''] = a.split('=', 2);
    if (k === '--servers') names = v.split(',');
    else if (k === '--connections') connections = Math.max(2, Number(v));
    else if (k === '--top') top = Math.max(1, Number(v));
    else throw new Error(`unknown argument ${a}`);
  }
  for (const name of names) await probeServer(name, connections, top);
  return 0;
}

if (require.main === module) exitWith(main);
