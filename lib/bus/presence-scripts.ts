/**
 * The Lua scripts of Redis presence (bus/presence-redis.ts). Each runs atomically in Redis, so when
 * several nodes find the same dead node at once, its entries are removed once. Keys (prefix `p`):
 *
 *   p:presence:nodes          sorted set: node id → the time (Redis's clock, ms) it is dead after
 *   p:presence:room:<room>    hash: connection id → `[key,meta,owner]` (bus/presence-wire.ts)
 *   p:presence:rooms:<node>   set: the rooms where that node has entries
 *
 * A node is alive while its score is in the future; each node re-adds itself every ttl/3. An expired
 * node stays in the set for one more ttl (so every node sees it expired), then goes. The scripts name
 * keys they compute, which standalone Redis allows (Redis Cluster, which does not, is not supported).
 */

/** Whether a stored value is the node's: the owner ends it, `,"<node>"]` (a meta object ends with `}`, so nothing else can). */
const OWNED = `
local function owned(value, node)
  local mark = ',"' .. node .. '"]'
  return string.sub(value, -#mark) == mark
end
`;

const PRELUDE = `
local p = ARGV[1]
local nodes = p .. ':presence:nodes'
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
${OWNED}local function drop_fields(hash, node)
  local gone = {}
  local all = redis.call('HGETALL', hash)
  for i = 1, #all, 2 do
    if owned(all[i + 1], node) then
      gone[#gone + 1] = all[i]
      if #gone == 1000 then
        redis.call('HDEL', hash, unpack(gone))
        gone = {}
      end
    end
  end
  if #gone > 0 then redis.call('HDEL', hash, unpack(gone)) end
end
local function drop_node(node)
  local rooms = p .. ':presence:rooms:' .. node
  for _, room in ipairs(redis.call('SMEMBERS', rooms)) do drop_fields(p .. ':presence:room:' .. room, node) end
  redis.call('DEL', rooms)
end
`;

/**
 * ARGV: prefix, node, ttl. Keeps the node alive for ttl more, removes the entries of expired nodes.
 * Returns { lapsed (1 when the node was not alive before: Redis lost it, or it was found dead), alive
 * node ids, expired node ids }.
 */
export const TICK = `${PRELUDE}
local node, ttl = ARGV[2], tonumber(ARGV[3])
local now = now_ms()
local before = redis.call('ZSCORE', nodes, node)
redis.call('ZADD', nodes, now + ttl, node)
local expired = redis.call('ZRANGEBYSCORE', nodes, '-inf', now)
for _, n in ipairs(expired) do drop_node(n) end
redis.call('ZREMRANGEBYSCORE', nodes, '-inf', now - ttl)
local lapsed = 0
if not before or tonumber(before) <= now then lapsed = 1 end
return { lapsed, redis.call('ZRANGEBYSCORE', nodes, '(' .. now, '+inf'), expired }
`;

/** ARGV: prefix, room. Returns { alive node ids, the room's hash as field, value, field, value… }. */
export const LOAD = `${PRELUDE}
return { redis.call('ZRANGEBYSCORE', nodes, '(' .. now_ms(), '+inf'), redis.call('HGETALL', p .. ':presence:room:' .. ARGV[2]) }
`;

/**
 * ARGV: prefix, node, ttl, then per room: room, n, and n pairs of field, value. Replaces everything
 * the node has in Redis by these entries and keeps it alive; returns the rooms where it had entries before.
 */
export const RESYNC = `${PRELUDE}
local node, ttl = ARGV[2], tonumber(ARGV[3])
local rooms = p .. ':presence:rooms:' .. node
local old = redis.call('SMEMBERS', rooms)
drop_node(node)
local i = 4
while i <= #ARGV do
  local room, count = ARGV[i], tonumber(ARGV[i + 1])
  local hash = p .. ':presence:room:' .. room
  for j = i + 2, i + 2 * count, 2 do redis.call('HSET', hash, ARGV[j], ARGV[j + 1]) end
  if count > 0 then redis.call('SADD', rooms, room) end
  i = i + 2 + 2 * count
end
redis.call('ZADD', nodes, now_ms() + ttl, node)
return old
`;

/**
 * ARGV: prefix, node, room, id, last. Removes the entry if it is still the node's: a connection that
 * resumed on another node may have replaced it there already. With last (1), the room leaves the node's
 * set. Sent with EVAL at every untrack, in order with the node's other writes (EVALSHA's NOSCRIPT retry
 * could reorder them), so it is kept short: no prelude.
 */
export const UNTRACK = `${OWNED}
local p, node, room, id = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local hash = p .. ':presence:room:' .. room
local value = redis.call('HGET', hash, id)
if value and owned(value, node) then redis.call('HDEL', hash, id) end
if ARGV[5] == '1' then redis.call('SREM', p .. ':presence:rooms:' .. node, room) end
return 1
`;

/** ARGV: prefix, node. The node leaves: its entries and its liveness go. */
export const LEAVE = `${PRELUDE}
drop_node(ARGV[2])
redis.call('ZREM', nodes, ARGV[2])
return 1
`;
