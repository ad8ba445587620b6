/**
 * `switchboard/redis`: the Redis bus, kept out of the main entry so that an app on one process never
 * loads (or installs) a Redis client. Needs `npm i redis`.
 */
export { RedisBus, type RedisBusOptions, type RedisBusStats } from './bus/redis';
