/**
 * The Lua scripts of Redis presence (bus/presence-redis.ts). Each runs atomically in Redis, so when
 * several nodes find the same dead node at once, its entries are removed once. Keys (prefix `p`):
 *
 *   p:presence:nodes          sorted set: node id → the time (Redis's clock, ms) it is dead after
 *   p:presence:room:<room>    hash: connection id → `[key,meta]` (bus/presence-wire.ts)
 *   p:presence:rooms:<node>   set: the rooms where that node has entries
 *
 * A node is alive while its score is in the future; each node re-adds itself every ttl/3. An expired
 * node stays in the set for one more ttl (so every node sees it expired), then goes. The scripts name
 * keys they compute, which standalone Redis allows (Redis Cluster, which does not, is not supported).
 */

const PRELUDE = `
local p = ARGV[1]
local nodes = p .. ':presence:nodes'
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function drop_fields(hash, node)
  local mark = node .. '-'
  local gone = {}
  for _, field in ipairs(redis.call('HKEYS', hash)) do
    if string.sub(field, 1, #mark) == mark then
      gone[#gone + 1] = field
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

/** ARGV: prefix, node. The node leaves: its entries and its liveness go. */
export const LEAVE = `${PRELUDE}
drop_node(ARGV[2])
redis.call('ZREM', nodes, ARGV[2])
return 1
`;
