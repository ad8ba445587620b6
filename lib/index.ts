/**
 * switchboard: decorator-driven WebSocket routes on uWebSockets.js. Public exports only.
 */
// The published types use Node's (Buffer, URLSearchParams): this keeps the reference in the emitted
// .d.ts, so an app compiles with `"types": []` (TypeScript 6 and 7's default) as well.
/// <reference types="node" preserve="true" />
import 'reflect-metadata';

export { App } from './app';
export type { CloseOptions } from './runtime/shutdown';
export {
  Connector,
  type BroadcastOptions,
  type JoinOptions,
  type PresenceMetaInput,
  type PresenceOptions,
  type Reply,
  type ReplyObject,
  type RouteContract,
  type RouteParams,
} from './declare/connector';
export { WebSocketRoute, OnConnect, OnMessage, OnClose, OnUpgrade, OnDrain, Inject, Query, Param, Header } from './declare/decorators';
export type {
  AnyConnector,
  AnyMethod,
  EventKind,
  EventOptions,
  HandlerDecorator,
  MessageHandler,
  MessageOptions,
  ParamDecorator,
  RawMessage,
  RequestHandler,
  RequestReply,
  RouteDecorator,
  StandardHandler,
  UpgradeHandler,
} from './declare/decorators';
export { WsError, HttpError, ValidationError, SwitchboardError, ErrorCodes, type ErrorCode } from './util/errors';
export { LocalBus } from './bus/local';
export { serve, type Servable, type ServeOptions, type ServePrimary, type ServeWorker } from './cluster/serve';
export type { HttpRequest, HttpHandler } from './http/handler';
export type { MessageKind } from './declare/metadata';
export type { AppOptions } from './app-options';
export type { RouteOptions, TransportOptions, RateLimitOptions, RouteClass, ProviderToken } from './declare/route-options';
export type { RecoveryOptions } from './runtime/recovery-options';
export type { HistoryItem } from './runtime/recovery';
export type { Logger } from './util/validate';
export type { AdminOptions } from './operate/admin-options';
export type { PoisoningAction } from './util/json';
export type { TransportName } from './transport/types';
export { uwsBuild } from './transport/uws-loader';
export type { UpgradeRequest } from './declare/upgrade-request';
export type { StandardSchemaV1, StandardIssue, StandardResult } from './contract/standard-schema';
export type { PresenceDiff, PresenceMeta, PresenceState } from './contract/presence-frames';
