/**
 * `switchboard/redis`: the Redis bus, kept out of the main entry so that an app on one process never
 * loads (or installs) a Redis client. Needs `npm i redis`.
 */
// Node's types for the published .d.ts, as in index.ts: this entry can be imported alone.
/// <reference types="node" preserve="true" />
export { RedisBus, type RedisBusOptions, type RedisBusStats } from './bus/redis';
