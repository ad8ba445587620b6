/**
 * `switchboard/testing`: test an app over real WebSockets from jest, vitest or node:test, with the `ws`
 * package when installed (`npm i -D ws`; loaded only by testApp()), else the built-in WebSocket of Node.js 22+. See docs/testing.md.
 */
// Node's types for the published .d.ts, as in index.ts: this entry can be imported alone.
/// <reference types="node" preserve="true" />
export { testApp, TestApp, UpgradeRefused, type ChannelConnectOptions, type ConnectOptions, type Testable, type TestAppOptions } from './testing/test-app';
export type { WebSocketChoice } from './testing/socket';
export { TestClient, type CloseInfo, type WaitOptions } from './testing/test-client';
export type { Frame } from './testing/frames';
export { RequestError, type RequestIssue } from './contract/errors';
