/**
 * The servers under test, as data: how to start each one, which protocol it speaks, and why it
 * would be skipped. Raw uWS and switchboard are never skipped: a missing build is a failure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { ServerCommand } from './harness/server-process';
import type { Protocol } from './harness/protocols';
import { uwsBuild } from '../lib/transport/uws-loader';

export interface ServerSpec {
  /** Key in results files. */
  name: string;
  label: string;
  protocol: Protocol;
  /** Must run; a failure to start fails the whole run. */
  required: boolean;
  /** null when it can run, else why it is skipped (with what to install). */
  unavailable(): string | null;
  command(): ServerCommand;
  /** Versions of what it runs on, for the report. */
  versions(): Record<string, string>;
}

/** Repository root (this file compiles to dist/benchmarks/servers.js). */
export const ROOT = path.resolve(__dirname, '..', '..');
const BENCH = path.join(ROOT, 'benchmarks');
const PEERS = path.join(BENCH, 'node_modules');
const PYTHON = '/usr/bin/python3';

function packageVersion(dir: string, name: string): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, name, 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '?';
  } catch {
    return 'missing';
  }
}

function needPeers(names: string[]): string | null {
  const missing = names.filter((n) => !fs.existsSync(path.join(PEERS, n, 'package.json')));
  return missing.length === 0 ? null : `benchmarks/node_modules lacks ${missing.join(', ')}: run \`npm ci --prefix benchmarks\``;
}

function needCompiled(file: string): string | null {
  return fs.existsSync(file) ? null : `${path.relative(ROOT, file)} is missing: run \`npm run build\``;
}

let pythonCheck: { ok: boolean; versions: Record<string, string> } | null = null;
function python(): { ok: boolean; versions: Record<string, string> } {
  if (pythonCheck !== null) return pythonCheck;
  const r = spawnSync(PYTHON, ['-c', 'import fastapi, uvicorn, websockets; print(fastapi.__version__, uvicorn.__version__, websockets.__version__)'], {
    encoding: 'utf8',
    timeout: 20000,
  });
  const v = r.status === 0 ? r.stdout.trim().split(/\s+/) : [];
  pythonCheck = {
    ok: r.status === 0,
    versions: r.status === 0 ? { fastapi: v[0] ?? '?', uvicorn: v[1] ?? '?', websockets: v[2] ?? '?' } : {},
  };
  return pythonCheck;
}

/** Extra Node.js flags for the Node.js servers (not the load generator), e.g. BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'. */
const serverNodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');

const node = (script: string): ServerCommand => ({ argv: [process.execPath, ...serverNodeArgs, script], cwd: ROOT });

/** The switchboard server compiled from `root` (a different tree for bench:compare). */
export function switchboardServer(name: string, label: string, script: string): ServerSpec {
  return {
    name,
    label,
    protocol: 'plain',
    required: true,
    unavailable: () => needCompiled(script),
    command: () => node(script),
    versions: () => ({}),
  };
}

export const servers: readonly ServerSpec[] = [
  {
    name: 'uws',
    label: 'raw uWebSockets.js',
    protocol: 'plain',
    required: true,
    unavailable: () => needCompiled(path.join(ROOT, 'dist/benchmarks/servers/uws.js')),
    command: () => node(path.join(ROOT, 'dist/benchmarks/servers/uws.js')),
    versions: () => ({ 'uWebSockets.js': uwsBuild() ?? 'no native build loads' }),
  },
  {
    ...switchboardServer('switchboard', 'switchboard', path.join(ROOT, 'dist/benchmarks/servers/switchboard.js')),
    versions: () => ({ switchboard: packageVersion(ROOT, '.') }),
  },
  {
    // The same app on the portable transport (node:http and ws), the one used where no native uWS loads.
    ...switchboardServer('switchboard-node', 'switchboard (portable transport)', path.join(ROOT, 'dist/benchmarks/servers/switchboard.js')),
    command: () => ({ ...node(path.join(ROOT, 'dist/benchmarks/servers/switchboard.js')), env: { SWITCHBOARD_TRANSPORT: 'node' } }),
    versions: () => ({ switchboard: packageVersion(ROOT, '.'), ws: packageVersion(path.join(ROOT, 'node_modules'), 'ws') }),
  },
  {
    name: 'ws',
    label: 'ws',
    protocol: 'plain',
    required: false,
    unavailable: () => needCompiled(path.join(ROOT, 'dist/benchmarks/servers/ws.js')),
    command: () => node(path.join(ROOT, 'dist/benchmarks/servers/ws.js')),
    versions: () => ({ ws: packageVersion(path.join(ROOT, 'node_modules'), 'ws') }),
  },
  {
    name: 'socketio',
    label: 'Socket.IO',
    protocol: 'socketio',
    required: false,
    unavailable: () => needPeers(['socket.io']),
    command: () => node(path.join(BENCH, 'servers/socketio.cjs')),
    versions: () => ({ 'socket.io': packageVersion(PEERS, 'socket.io') }),
  },
  {
    name: 'nestjs',
    label: 'NestJS (platform-ws)',
    protocol: 'nest',
    required: false,
    unavailable: () =>
      needPeers(['@nestjs/core', '@nestjs/common', '@nestjs/websockets', '@nestjs/platform-ws', '@nestjs/platform-express', 'rxjs', 'reflect-metadata']),
    command: () => node(path.join(BENCH, 'servers/nestjs.cjs')),
    versions: () => ({ '@nestjs/core': packageVersion(PEERS, '@nestjs/core'), '@nestjs/platform-ws': packageVersion(PEERS, '@nestjs/platform-ws') }),
  },
  {
    name: 'fastapi',
    label: 'FastAPI + uvicorn',
    protocol: 'plain',
    required: false,
    unavailable: () =>
      python().ok
        ? null
        : `${PYTHON} cannot import fastapi, uvicorn and websockets: run \`apt-get install -y python3-fastapi python3-uvicorn python3-websockets\``,
    command: () => ({ argv: [PYTHON, path.join(BENCH, 'servers/fastapi_app.py')], cwd: ROOT }),
    versions: () => python().versions,
  },
];
