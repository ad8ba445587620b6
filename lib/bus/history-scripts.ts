/**
 * The Lua scripts of the shared history on Redis (bus/history-redis.ts). Each runs atomically, so a
 * push's offset, its entry in the stream and its PUBLISH are one step: every node sees pushes in offset
 * order, and a reader's epoch, top and entries always agree. Keys, per topic T and session S:
 *
 *   <prefix>:m:<T>   hash  e = epoch, t = top offset             kept `keep` ms after its last write
 *   <prefix>:h:<T>   stream, entry id `<offset>-0`, d = frame, x = the id it skips (may be empty);
 *                    MAXLEN ~ historySize, kept `window` ms after its last write
 *   <prefix>:s:<S>   hash  id, route, until (while parked), f:<T> = "<epoch> <offset>" per followed topic
 *
 * A topic's epoch is made when its meta hash is missing (first write, or Redis lost it): the stream is
 * dropped with it, so offsets restart at 1 under a new epoch and a client holding an old one is told.
 */

/** Makes the topic's epoch when its meta hash is gone: ARGV seed + Redis's clock (unique per Redis). */
const EPOCH = `
local function epochOf(meta, stream, seed)
  local e = redis.call('HGET', meta, 'e')
  if e then return e end
  local t = redis.call('TIME')
  e = seed .. string.format('%x%05x', tonumber(t[1]), tonumber(t[2]))
  redis.call('DEL', stream)
  redis.call('HSET', meta, 'e', e, 't', 0)
  return e
end
`;

/**
 * KEYS: meta, stream. ARGV: frame, except, historySize, window ms, keep ms, channel, envelope head, seed.
 * Publishes `<head><epoch>\n<offset>\n<except>\n<frame>` (envelope kind 6); returns the offset.
 */
export const APPEND = `${EPOCH}
local e = epochOf(KEYS[1], KEYS[2], ARGV[8])
local offset = redis.call('HINCRBY', KEYS[1], 't', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], offset .. '-0', 'd', ARGV[1], 'x', ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PUBLISH', ARGV[6], ARGV[7] .. e .. '\\n' .. offset .. '\\n' .. ARGV[2] .. '\\n' .. ARGV[1])
return offset
`;

/**
 * KEYS: meta, stream, session. ARGV: field, session ttl ms, keep ms, seed. The session follows the topic
 * from its top; returns { epoch, top }.
 */
export const FOLLOW = `${EPOCH}
local e = epochOf(KEYS[1], KEYS[2], ARGV[4])
local top = redis.call('HGET', KEYS[1], 't')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[1], e .. ' ' .. top)
redis.call('PEXPIRE', KEYS[3], ARGV[2])
return { e, tonumber(top) }
`;

/** KEYS: session. ARGV: field, "<epoch> <offset>". Moves a followed topic's start back, if the session still exists. */
export const REBASE = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1
`;

/** KEYS: meta, stream. ARGV: first offset wanted. Returns { epoch or '', top, entries from it }. */
export const READ = `
local m = redis.call('HMGET', KEYS[1], 'e', 't')
if not m[1] then return { '', 0, {} } end
return { m[1], tonumber(m[2]), redis.call('XRANGE', KEYS[2], ARGV[1] .. '-0', '+') }
`;

/** KEYS: session, new session. ARGV: ttl ms. Renames (so only one claimer wins) and returns its fields, or false. */
export const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('RENAME', KEYS[1], KEYS[2])
local fields = redis.call('HGETALL', KEYS[2])
redis.call('HDEL', KEYS[2], 'until')
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return fields
`;
