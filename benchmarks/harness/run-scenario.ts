/**
 * One scenario on one server: start it (fresh, pinned to CPU 0), check one reply is exactly right,
 * run the load, stop it. Idle memory starts a fresh server per repetition.
 */
import type { Scenario, Timing } from '../scenarios';
import type { ServerSpec } from '../servers';
import { probe, type Target } from './client';
import { runBroadcast } from './load-broadcast';
import { runConnect } from './load-connect';
import { runEcho } from './load-echo';
import { runIdle, type IdleSample } from './load-idle';
import type { Sample } from './measure';
import { jsonOfSize, textOfSize, wireFor, type Route } from './protocols';
import { startServer, type RunningServer } from './server-process';

export const SERVER_CPU = 0;
export const CLIENT_CPU = 1;
const START_TIMEOUT_MS = 30000;

export interface ScenarioRun {
  samples: Sample[];
  idle?: IdleSample[];
}

async function withServer<T>(spec: ServerSpec, fn: (server: RunningServer) => Promise<T>): Promise<T> {
  const server = await startServer(spec.command(), SERVER_CPU, START_TIMEOUT_MS);
  try {
    return await fn(server);
  } catch (err) {
    const log = server.log();
    if (err instanceof Error && log !== '') err.message += `\n--- server output (last lines) ---\n${log}`;
    throw err;
  } finally {
    await server.stop();
  }
}

/** The flooding connection of a scenario that has one: its route's target and frame on this server's protocol. */
function floodLoad(spec: ServerSpec, route: Route | undefined, body: string, port: number): { target: Target; request: string } | null {
  if (route === undefined) return null;
  const wire = wireFor(spec.protocol, route, body);
  return { target: { port, path: wire.path, protocol: spec.protocol }, request: wire.request };
}

export async function runScenario(spec: ServerSpec, scenario: Scenario, timing: Timing): Promise<ScenarioRun> {
  const body =
    scenario.route === '/echo-json' ? jsonOfSize(scenario.kind === 'echo' ? scenario.bytes : 100) : textOfSize('bytes' in scenario ? scenario.bytes : 32);
  const wire = wireFor(spec.protocol, scenario.route, body);
  const targetOf = (port: number): Target => ({ port, path: wire.path, protocol: spec.protocol });

  if (scenario.kind === 'idle') {
    const idle: IdleSample[] = [];
    for (let r = 0; r < timing.repetitions; r++) {
      idle.push(await withServer(spec, (server) => runIdle(targetOf(server.port), server.pid, scenario.connections, timing.settleMs)));
    }
    const samples = idle.map<Sample>((s) => ({
      value: s.bytesPerConnection,
      ops: s.connections,
      seconds: NaN,
      serverCpuUsPerOp: NaN,
      serverCpuShare: NaN,
      clientCpuShare: NaN,
      p50Us: NaN,
      p99Us: NaN,
      bytesPerOp: NaN,
      readsPerOp: NaN,
      segmentsPerOp: NaN,
    }));
    return { samples, idle };
  }

  return withServer(spec, async (server) => {
    const target = targetOf(server.port);
    await probe(target, wire.request, wire.reply, 5000);

    const { warmupMs, windowMs, repetitions } = timing;
    switch (scenario.kind) {
      case 'echo':
        return {
          samples: await runEcho(
            target,
            server.pid,
            {
              connections: scenario.connections,
              inFlight: scenario.inFlight,
              request: wire.request,
              flood: floodLoad(spec, scenario.flood, body, server.port),
            },
            warmupMs,
            windowMs,
            repetitions,
          ),
        };
      case 'broadcast':
        return {
          samples: await runBroadcast(
            target,
            server.pid,
            { receivers: scenario.receivers, inFlight: scenario.inFlight, request: wire.request },
            warmupMs,
            windowMs,
            repetitions,
          ),
        };
      case 'connect':
        return { samples: await runConnect(target, server.pid, scenario.parallel, warmupMs, windowMs, repetitions) };
    }
  });
}
