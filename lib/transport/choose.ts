/**
 * Which transport an App runs on: the `transport` option, else SWITCHBOARD_TRANSPORT, else uWS when a
 * native build loads here and the portable transport when none does. Decided once per App, at
 * `new App()`, so a refused `'uws'` fails at boot rather than at listen().
 */
import { invalidOption, SwitchboardError } from '../util/errors';
import type { Logger } from '../util/validate';
import type { RequestLimits } from './handshake';
import { NodeServer } from './node';
import { TRANSPORT_ENV, TRANSPORT_NAMES, type TransportName, type TransportServer } from './types';
import { loadUws } from './uws-loader';
import { UwsServer } from './uws';

/** The transport an App got: its name, and a factory for its server (one per listen()). */
export interface TransportChoice {
  readonly name: TransportName;
  readonly create: (limits: RequestLimits) => TransportServer;
}

const transportNames: readonly unknown[] = TRANSPORT_NAMES;

/** The `transport` option, else SWITCHBOARD_TRANSPORT (an empty variable counts as unset), each checked; undefined: whichever loads. */
export function requestedTransport(where: string, option: unknown): TransportName | undefined {
  if (option !== undefined) {
    if (!transportNames.includes(option)) throw invalidOption(where, 'transport', "'uws' or 'node'", option);
    return option as TransportName;
  }
  const env = process.env[TRANSPORT_ENV];
  if (env === undefined || env === '') return undefined;
  if (!transportNames.includes(env)) throw invalidOption(where, `transport (from the environment variable ${TRANSPORT_ENV})`, "'uws' or 'node'", env);
  return env as TransportName;
}

const portable: TransportChoice = { name: 'node', create: (limits) => new NodeServer(limits) };

/**
 * `requested` undefined: uWS if it loads, else the portable transport with one warning on `logger`.
 * `'uws'` without a native build throws SWB_ERR_UWS_UNAVAILABLE with the loader's report.
 */
export function chooseTransport(requested: TransportName | undefined, logger: Logger): TransportChoice {
  if (requested === 'node') return portable;
  const load = loadUws();
  if ('loaded' in load) {
    const { uws } = load.loaded;
    return { name: 'uws', create: (limits) => new UwsServer(uws, limits) };
  }
  if (requested === 'uws')
    throw new SwitchboardError(
      'SWB_ERR_UWS_UNAVAILABLE',
      `new App({ transport: 'uws' }): ${load.report} Install a build for this Node.js (docs/configuration.md, "The uWebSockets.js build"), ` +
        `or use the portable transport: transport: 'node' (or ${TRANSPORT_ENV}=node).`,
    );
  logger.warn(
    `switchboard: ${load.report} Using the portable transport (node:http and ws): it serves the same API, at about ` +
      `${PORTABLE_COST} the CPU per message of uWS; see docs/configuration.md. Set ${TRANSPORT_ENV}=node to choose it explicitly (and silence this line).`,
  );
  return portable;
}

/**
 * What the 32-byte echo measured on the portable transport against switchboard on uWS (docs/benchmarks.md):
 * 3.3× the instructions per message (callgrind), 5.8× the CPU time per message (on a loaded machine).
 */
const PORTABLE_COST = '3–6×';
