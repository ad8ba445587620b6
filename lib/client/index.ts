/**
 * switchboard/client: typed channels and the client, for browsers and Node.js. No dependencies, no
 * Node.js APIs, nothing from the server: a page can import it as one ES module.
 */
export {
  defineChannel,
  type AnyChannel,
  type Channel,
  type EventDefs,
  type EventFrame,
  type RequestDef,
  type RequestDefs,
  type RequestSpec,
  type RequestSpecs,
} from './channel';
export type { Client, ClientStatus, CloseInfo, EventData, ReconnectInfo, ReplyData, RequestData, RequestOptions, UntypedChannel } from './client';
export { connect } from './connect';
export { RequestError, type ClientErrorCode, type RequestIssue } from './errors';
export { presence, syncDiff, syncState, type RoomPresence } from './presence';
export type { PresenceDiff, PresenceEvents, PresenceMeta, PresenceState } from './presence-frames';
export type { ChannelOptions, ClientOptions, QueryParams, ReconnectOptions } from './options';
export type { PathParams } from './path';
export type { WebSocketConstructor, WebSocketLike } from './socket';
export type { InferInput, InferOutput, StandardSchemaV1 } from './standard-schema';
