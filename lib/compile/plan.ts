/**
 * What compiling a route produces. `CompiledRoute` is made at register() from the class's metadata
 * (validated parameter specs); `RoutePlan` at listen(), bound to the providers: a frozen object of plain
 * functions, every field set (absent handlers null) so the runtime's objects keep one shape.
 */
import type { Connector, Reply } from '../declare/connector';
import type { ExplicitParam, HandlerKind } from '../declare/metadata';
import type { ProviderToken, RouteClass } from '../declare/route-options';
import type { ResolvedTransport } from './route-settings';
import type { UpgradeRequest } from '../declare/upgrade-request';
import type { AnyChannel } from '../contract/channel';
import type { StandardSchemaV1 } from '../contract/standard-schema';
import type { JsonPolicy } from '../util/json';
import type { RouteStats } from './stats';

/** What one parameter receives. */
export type Spec =
  | {
      readonly kind:
        'connector' | 'text' | 'number' | 'boolean' | 'json' | 'buffer' | 'uint8array' | 'arraybuffer' | 'message' | 'code' | 'reason' | 'deps' | 'request';
    }
  | ExplicitParam;

export interface CompiledHandler {
  readonly method: string | symbol;
  readonly specs: readonly Spec[];
}

export interface CompiledEvent extends CompiledHandler {
  /** Validates `data`: the `schema` option, or the data schema of a channel's request. */
  readonly schema: StandardSchemaV1 | null;
  /** The reply schema of a channel's request (`@OnMessage(channel.requests.x)`); null otherwise. */
  readonly reply: StandardSchemaV1 | null;
}

export interface CompiledRoute {
  readonly cls: RouteClass;
  readonly pattern: string;
  readonly uwsPattern: string;
  /** The pattern with parameter names erased: two routes of one shape match the same paths. */
  readonly shape: string;
  readonly paramNames: readonly string[];
  readonly transport: ResolvedTransport;
  readonly onError: ErrorHandler | null;
  /** `@WebSocketRoute(channel)`: the channel the route was declared with; null for a pattern. */
  readonly channel: AnyChannel | null;
  readonly constructorSpecs: readonly ProviderToken[];
  readonly handlers: Readonly<Record<HandlerKind, CompiledHandler | null>>;
  /** `@OnMessage('event')` handlers by event name. */
  readonly events: ReadonlyMap<string, CompiledEvent>;
  /** The route option `recovery` (true unless turned off): whether its clients get resumable sessions when the App has recovery. */
  readonly recovery: boolean;
  /** Its connections keep the upgrade's headers for `ws.headers`: the route option `headers`, else whether its code can read them. */
  readonly keepsHeaders: boolean;
}

/**
 * A text frame on a route with events that no event handler took, decoded (and parsed, when it holds a
 * JSON object) on its way: what the plain handler's `onDecodedMessage` invoker takes instead of the bytes.
 */
export interface DecodedMessage {
  /** The frame's bytes, valid during the transport's callback only. */
  readonly bytes: ArrayBuffer;
  readonly text: string;
  /** The JSON object the text holds; undefined when it holds none. */
  readonly value: object | undefined;
}

/** Any connection, whatever the type of its `state`. */
export type AnyConnector = Connector<object>;
/** A bound handler: the connection, the message (or event data) and whether it came as a binary frame. */
export type Invoker<D = ArrayBuffer> = (c: AnyConnector, data: D, isBinary: boolean) => unknown;
export type CloseInvoker = (c: AnyConnector, code: number, reason: string) => unknown;
export type UpgradeInvoker = (req: UpgradeRequest) => unknown;
export type ErrorHandler = (error: unknown, ws: AnyConnector) => Reply | Promise<Reply>;

/** A route ready to serve. */
export interface RoutePlan {
  readonly name: string;
  readonly pattern: string;
  readonly uwsPattern: string;
  readonly shape: string;
  readonly paramNames: readonly string[];
  /** uWS pub/sub topic every connection of the route subscribes to, for broadcast. */
  readonly topic: string;
  readonly transport: ResolvedTransport;
  /** The App's policy for prototype keys in parsed JSON (event frames are parsed by the runtime). */
  readonly json: JsonPolicy;
  readonly onError: ErrorHandler | null;
  readonly onUpgrade: UpgradeInvoker | null;
  readonly onConnect: Invoker | null;
  readonly onMessage: Invoker | null;
  /** Event handlers by name, receiving the frame's `data`; null when the route has none. */
  readonly events: ReadonlyMap<string, Invoker<unknown>> | null;
  /** The plain handler for a text frame no event handler took, already decoded; null unless the route has both kinds. */
  readonly onDecodedMessage: Invoker<DecodedMessage> | null;
  readonly onClose: CloseInvoker | null;
  /** `@OnDrain`: the send buffer has drained after backpressure. */
  readonly onDrain: Invoker | null;
  /** Its clients of the `switchboard` subprotocol get resumable sessions (the App has recovery and the route did not turn it off). */
  readonly recovery: boolean;
  /** Its connections keep the upgrade's headers for `ws.headers` (CompiledRoute.keepsHeaders). */
  readonly keepsHeaders: boolean;
  /** What the route counts while it serves (mutable: the plan is frozen, its counters are not). */
  readonly stats: RouteStats;
}
