/**
 * `npm run bench:instructions`: the instructions the server executes per message, counted by
 * valgrind's callgrind. Rates on a small shared machine swing 10–25% run to run; an echo's instruction
 * count repeats to about 1% whatever else the machine is doing (broadcast per delivery, about 5%), so it
 * is the number to judge a change of the hot path by (it cannot see cache misses or syscalls' cost: the
 * rates still matter).
 *
 * Each server runs under callgrind. The generator (this process, outside valgrind) sends a fixed
 * number of messages as warm-up (so the JIT has settled), has callgrind dump and reset its counters,
 * sends the same number again, and dumps once more: the second dump holds exactly the work for those
 * messages, start-up and compilation excluded. Writes benchmarks/results/instructions-<date>.json,
 * which the report (docs/benchmarks.md) includes.
 *
 *   node dist/benchmarks/instructions.js [--messages=N] [--cases=id,id] [--servers=uws,switchboard] [--rate-limit] [--keep]
 *
 * `--rate-limit` turns switchboard's per-connection rate limit on (a limit no message reaches), to
 * measure what the token bucket costs a message that is let through.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { closeAll, connectMany, probe, type Conn, type Target } from './harness/client';
import { buildClientFrame } from './harness/frames';
import { sleep } from './harness/measure';
import { eventOfSize, jsonOfSize, textOfSize, type Route } from './harness/protocols';
import { exitWith, startServer, type ServerCommand } from './harness/server-process';
import { writeResults, type InstructionsFile } from './results';
import { ROOT, servers } from './servers';
import { RATE_LIMIT_ENV } from './servers/switchboard-options';

interface Case {
  id: string;
  title: string;
  route: Route;
  body: string;
  /** Echo: connections × in flight. Broadcast: receivers (the sender receives too), publishes in flight. */
  connections: number;
  inFlight: number;
  /** At most this many messages (`--messages` may ask fewer): a thousand receivers multiply the deliveries callgrind runs through. */
  maxMessages?: number;
}

const cases: readonly Case[] = [
  { id: 'echo-32b', title: 'Echo 32 B', route: '/echo', body: textOfSize(32), connections: 10, inFlight: 16 },
  { id: 'echo-4kb', title: 'Echo 4 KB', route: '/echo', body: textOfSize(4096), connections: 10, inFlight: 16 },
  { id: 'echo-async', title: 'Async handler echo 32 B', route: '/echo-async', body: textOfSize(32), connections: 10, inFlight: 16 },
  { id: 'echo-json', title: 'JSON object echo ~100 B', route: '/echo-json', body: jsonOfSize(100), connections: 10, inFlight: 16 },
  { id: 'event-echo', title: 'JSON event echo ~100 B', route: '/echo-event', body: eventOfSize('echo', 100), connections: 10, inFlight: 16 },
  // An event no handler takes, on a route with a plain handler: it falls through to that handler.
  {
    id: 'event-fallthrough',
    title: 'JSON event to the plain handler ~100 B',
    route: '/echo-event',
    body: eventOfSize('other', 100),
    connections: 10,
    inFlight: 16,
  },
  { id: 'broadcast-100', title: 'Broadcast 32 B to 100 receivers (per delivery)', route: '/broadcast', body: textOfSize(32), connections: 100, inFlight: 4 },
  // With BENCH_RECOVERY=1 the switchboard server has recovery (docs/recovery.md): each push gets a position and is stored.
  {
    id: 'broadcast-json-100',
    title: 'Broadcast a ~100 B JSON object to 100 receivers (per delivery)',
    route: '/broadcast-json',
    body: jsonOfSize(100),
    connections: 100,
    inFlight: 4,
  },
  {
    id: 'broadcast-json-1000',
    title: 'Broadcast a ~100 B JSON object to 1,000 receivers (per delivery)',
    route: '/broadcast-json',
    body: jsonOfSize(100),
    connections: 1000,
    inFlight: 4,
    maxMessages: 3000,
  },
];

/** What a broadcast of `body` reaches receivers as: the same, or with its position when the server has recovery. */
function expectedReply(c: Case, recovery: boolean): string | RegExp {
  if (!recovery || c.route !== '/broadcast-json') return c.body;
  const escaped = c.body.slice(0, -1).replace(/[.*+?^${}()|[\]\\]/g, (ch) => `\\${ch}`);
  return new RegExp('^' + escaped + String.raw`,"pos":\{"topic":"route","epoch":"\w+","offset":\d+\}\}$`);
}

/** Sends `total` messages and resolves when every reply (or delivery) has arrived. */
function echoPhase(conns: readonly Conn[], frame: Buffer, total: number, inFlight: number): Promise<void> {
  let sent = 0;
  let got = 0;
  return new Promise((resolve) => {
    const onReplies = (c: Conn, count: number): void => {
      got += count;
      for (let k = 0; k < count && sent < total; k++, sent++) c.socket.write(frame);
      if (got === total) resolve();
    };
    for (const c of conns) {
      c.onReplies = onReplies;
      for (let k = 0; k < inFlight && sent < total; k++, sent++) c.socket.write(frame);
    }
  });
}

function broadcastPhase(sender: Conn, all: readonly Conn[], frame: Buffer, publishes: number, inFlight: number): Promise<void> {
  const perPublish = all.length;
  let sent = 0;
  let delivered = 0;
  return new Promise((resolve) => {
    const onReplies = (_c: Conn, count: number): void => {
      const before = Math.floor(delivered / perPublish);
      delivered += count;
      for (let done = Math.floor(delivered / perPublish); done > before && sent < publishes; done--, sent++) sender.socket.write(frame);
      if (delivered === publishes * perPublish) resolve();
    };
    for (const c of all) c.onReplies = onReplies;
    for (; sent < Math.min(inFlight, publishes); sent++) sender.socket.write(frame);
  });
}

function dump(pid: number, label: string): void {
  const r = spawnSync('callgrind_control', ['--dump=' + label, String(pid)], { encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`callgrind_control --dump failed: ${r.stderr || r.stdout}`);
}

/** The `summary:` of the dump file whose trigger is `label`. */
function instructionsOf(dir: string, label: string): number {
  for (const f of fs.readdirSync(dir)) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    if (!text.includes(`desc: Trigger: dump ${label}\n`)) continue;
    const m = /^summary: (\d+)$/m.exec(text);
    if (m !== null) return Number(m[1]);
  }
  throw new Error(`no callgrind dump "${label}" in ${dir}`);
}

async function measure(command: ServerCommand, c: Case, messages: number, keep: boolean, env: Record<string, string>): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swb-callgrind-'));
  const script = command.argv[command.argv.length - 1]!;
  const server = await startServer(
    {
      argv: ['valgrind', '--tool=callgrind', `--callgrind-out-file=${dir}/callgrind.%p`, process.execPath, script],
      cwd: ROOT,
      env: { ...command.env, ...env },
    },
    null,
    180000,
  );
  try {
    const target: Target = { port: server.port, path: c.route, protocol: 'plain' };
    await probe(target, c.body, expectedReply(c, process.env.BENCH_RECOVERY === '1'), 60000);
    const conns = await connectMany(target, c.connections, 10, 60000);
    const frame = buildClientFrame(c.body);
    const broadcast = c.route.startsWith('/broadcast');
    // Publishes: a third as many as echo messages are measured, after a warm-up of three times that. V8
    // compiles what runs once per 16 messages (the sampled handler timing) late, in background threads
    // that callgrind counts: after a warm-up of 10,000 publishes the measured window still held
    // TurboFan's work (1.14x raw uWS; 1.05x after 30,000, with no compiler left in it).
    const publishes = Math.ceil(messages / 3);
    const phase = (warm: boolean): Promise<void> =>
      broadcast ? broadcastPhase(conns[0]!, conns, frame, warm ? publishes * 3 : publishes, c.inFlight) : echoPhase(conns, frame, messages, c.inFlight);
    await phase(true);
    await sleep(200);
    dump(server.pid, 'warm');
    await phase(false);
    await sleep(200);
    dump(server.pid, 'measured');
    await closeAll(conns, 10000);
    const counted = broadcast ? publishes * conns.length : messages;
    return instructionsOf(dir, 'measured') / counted;
  } finally {
    await server.stop();
    if (keep) console.log(`callgrind dumps kept in ${dir} (callgrind_annotate <file>)`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  let messages = 30000;
  let picked = cases;
  let names = ['uws', 'switchboard'];
  let keep = false;
  let partial = false;
  const env: Record<string, string> = {};
  for (const a of process.argv.slice(2)) {
    const [k, v = ''] = a.split('=', 2);
    if (k === '--messages') messages = Math.max(100, Number(v));
    else if (k === '--cases') picked = cases.filter((c) => v.split(',').includes(c.id));
    else if (k === '--servers') names = v.split(',');
    else if (k === '--keep') keep = true;
    else if (k === '--rate-limit') env[RATE_LIMIT_ENV] = '1';
    else throw new Error(`unknown argument ${a}`);
    if (k !== '--keep') partial = true;
  }
  if (spawnSync('valgrind', ['--version']).status !== 0) throw new Error('valgrind is not installed (apt-get install -y valgrind)');
  const specs = servers.filter((s) => names.includes(s.name) && s.protocol === 'plain');
  const file: InstructionsFile = {
    date: new Date().toISOString(),
    gitRevision: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim(),
    node: process.version,
    messages,
    results: {},
    titles: {},
  };
  for (const c of picked) {
    file.titles[c.id] = c.title;
    const row: Record<string, number> = (file.results[c.id] = {});
    for (const spec of specs) {
      const why = spec.unavailable();
      if (why !== null) throw new Error(`${spec.label}: ${why}`);
      row[spec.name] = await measure(spec.command(), c, Math.min(messages, c.maxMessages ?? messages), keep, env);
      console.log(`${c.id.padEnd(14)} ${spec.label.padEnd(20)} ${Math.round(row[spec.name]!)} instructions/message`);
    }
    const base = row.uws;
    if (base !== undefined && row.switchboard !== undefined) console.log(`${c.id.padEnd(14)} switchboard / raw uWS: ${(row.switchboard / base).toFixed(3)}`);
  }
  // Only the default run is the day's result (the report's source).
  console.log(`results: ${writeResults(`instructions-${file.date.slice(0, 10)}.json`, file, partial)}`);
  return 0;
}

if (require.main === module) exitWith(main);
