/**
 * switchboard: decorator-driven WebSocket routes on uWebSockets.js. Public exports only.
 */
import 'reflect-metadata';

export { App, type CloseOptions } from './app';
export { Connector, type BroadcastOptions } from './connector';
export { WebSocketRoute, OnConnect, OnMessage, OnClose, OnUpgrade, OnDrain, Inject, Query, Param, Header, type EventOptions } from './decorators';
export { WsError, HttpError, SwitchboardError, ErrorCodes, type ErrorCode } from './errors';
export { LocalBus } from './bus/local';
export { serve, type ServeOptions, type ServePrimary, type ServeWorker } from './serve';
export type { Bus, BusNode } from './bus/bus';
export type { HttpRequest, HttpHandlerFn } from './http';
export type { PoisoningAction } from './json';
export type { ProviderToken } from './metadata';
export type { AppOptions, RouteOptions, TransportOptions, Logger, RouteClass } from './options';
export type { Reply, Payload } from './reply';
export type { UpgradeRequest } from './upgrade-request';
export type { StandardSchemaV1, StandardIssue, StandardResult } from './standard-schema';
