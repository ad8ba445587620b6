/**
 * switchboard/client: typed channels and the client, for browsers and Node.js. No dependencies, no
 * Node.js APIs, nothing from the server: a page can import it as one ES module. The channel, its types
 * and the frames are the contract the server shares (lib/contract/); the rest is the client that connects.
 */
export {
  defineChannel,
  type AnyChannel,
  type Channel,
  type EventData,
  type EventDefs,
  type ReplyData,
  type RequestData,
  type RequestDef,
  type RequestDefs,
  type RequestSpec,
  type RequestSpecs,
  type UntypedChannel,
} from '../contract/channel';
export { RequestError, type ClientErrorCode, type RequestIssue } from '../contract/errors';
export type { EventFrame } from '../contract/frames';
export type { PathParams } from '../contract/path';
export type { PresenceDiff, PresenceEvents, PresenceMeta, PresenceState } from '../contract/presence-frames';
export type { InferInput, InferOutput, StandardSchemaV1 } from '../contract/standard-schema';
export type { Client, ClientStatus, CloseInfo, ReconnectInfo, RequestOptions } from './client';
export { connect } from './connect';
export type { ChannelOptions, ClientOptions, QueryParams, ReconnectOptions } from './options';
export { presence, syncDiff, syncState, type RoomPresence } from './presence';
export type { WebSocketConstructor, WebSocketLike } from './socket';
