package frontier

import "github.com/redis/go-redis/v9"

// The Redis store's atomic updates, as Lua scripts (Redis runs each one
// whole, with nothing in between). They do mechanical work only: pop,
// push, count, move a host in the ready set. Every politeness decision is
// made in Go by the rules in politeness.go, from a host state the scripts
// hand out with its version, and written back by a script that first
// checks that the version is still the one the decision was made from.
//
// ARGV[1] is always the crawl's key prefix; the keys (see redisKeys):
//
//	P..'h:'..host   hash: v version, s state (Go encoding), r ready µs, a admission
//	P..'q'..p..':'..host  list: the host's queue of priority p, encoded items
//	P..'ready'      zset: hosts that may start a request, by ready µs
//	P..'leases'     zset: lease id -> expiry µs
//	P..'lease'      hash: lease id -> priority digit, host, '\n', item
//	P..'n'          hash: counters queued, seen, hosts, hostsq, taken
//	P..'s:'..bucket set of 64-bit URL hashes (an intset while small)
//	P..'procs'      zset: process id -> heartbeat expiry µs (redis_procs.go)
//	P..'proc'       hash: process id -> its description, JSON
//	P..'d'          hash: payload digest -> its original capture (redis_digests.go)
const luaHelpers = `
local P = ARGV[1]

local function backlog(host)
  local pre = redis.call('LLEN', P..'q0:'..host)
  return pre, pre + redis.call('LLEN', P..'q1:'..host) + redis.call('LLEN', P..'q2:'..host)
end

-- place keeps host in the ready set exactly when the admission the Go
-- rules gave its state takes its backlog: admission.takes, in Lua.
local function place(host)
  local pre, total = backlog(host)
  local h = redis.call('HMGET', P..'h:'..host, 'a', 'r')
  if total > 0 and (h[1] == '2' or (h[1] == '1' and pre == 0)) then
    redis.call('ZADD', P..'ready', h[2], host)
  else
    redis.call('ZREM', P..'ready', host)
  end
  return total
end

-- queued counts n more URLs queued for host, which had total before.
local function queued(host, before, n)
  if n == 0 then return end
  redis.call('HINCRBY', P..'n', 'queued', n)
  local after = before + n
  if before == 0 and after > 0 then
    redis.call('HINCRBY', P..'n', 'hostsq', 1)
  elseif before > 0 and after == 0 then
    redis.call('HINCRBY', P..'n', 'hostsq', -1)
  end
end
`

// pushScript queues an item unless its URL is seen (no seen check when the
// hash is empty: Retry). A host met for the first time gets the state the
// rules give a new host.
// ARGV: P, host, priority, item, bucket, hash, new state, its ready µs, its admission.
var pushScript = redis.NewScript(luaHelpers + `
local host, p, item = ARGV[2], ARGV[3], ARGV[4]
if ARGV[6] ~= '' then
  if redis.call('SADD', P..'s:'..ARGV[5], ARGV[6]) == 0 then return 0 end
  redis.call('HINCRBY', P..'n', 'seen', 1)
end
if redis.call('HSETNX', P..'h:'..host, 'v', '0') == 1 then
  redis.call('HSET', P..'h:'..host, 's', ARGV[7], 'r', ARGV[8], 'a', ARGV[9])
  redis.call('HINCRBY', P..'n', 'hosts', 1)
end
local _, before = backlog(host)
redis.call('RPUSH', P..'q'..p..':'..host, item)
queued(host, before, 1)
place(host)
return 1
`)

// markScript adds a URL hash to the seen set. ARGV: P, bucket, hash.
var markScript = redis.NewScript(luaHelpers + `
if redis.call('SADD', P..'s:'..ARGV[2], ARGV[3]) == 0 then return 0 end
redis.call('HINCRBY', P..'n', 'seen', 1)
return 1
`)

// dueScript finds a host whose ready time has come, one of the first
// ARGV[4] at random (ARGV[3] picks), so that concurrent callers seldom
// race for one host, and returns it with its version, state and most
// urgent priority. With none, it returns ” with the earliest ready time
// (” when no host is eligible), the URLs queued and the leases held.
// ARGV: P, now µs, pick, candidates.
var dueScript = redis.NewScript(luaHelpers + `
local hosts = redis.call('ZRANGE', P..'ready', '-inf', ARGV[2], 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[4]))
if #hosts == 0 then
  local first = redis.call('ZRANGE', P..'ready', 0, 0, 'WITHSCORES')
  local n = redis.call('HGET', P..'n', 'queued') or '0'
  return {'', first[2] or '', n, tostring(redis.call('ZCARD', P..'leases'))}
end
local host = hosts[(tonumber(ARGV[3]) % #hosts) + 1]
local h = redis.call('HMGET', P..'h:'..host, 'v', 's')
for p = 0, 2 do
  if redis.call('LLEN', P..'q'..p..':'..host) > 0 then
    return {host, h[1], h[2], tostring(p)}
  end
end
return redis.error_reply('ready host ' .. host .. ' has nothing queued')
`)

// takeScript hands out the head of a host's queue of priority p, if the
// host's version is still the one its new state was computed from and p
// is still its most urgent priority, and leases it until the expiry under
// the lease id the caller chose. Run again after its reply was lost (a
// connection cut), it returns the item it leased the first time.
// ARGV: P, host, version, priority, new state, ready µs, admission, expiry µs, lease id.
// Returns {lease id, item}, or {} when the host changed meanwhile.
var takeScript = redis.NewScript(luaHelpers + `
local host, p, id = ARGV[2], tonumber(ARGV[4]), ARGV[9]
local taken = redis.call('HGET', P..'lease', id)
if taken then return {id, string.sub(taken, string.find(taken, '\n', 1, true) + 1)} end
if redis.call('HGET', P..'h:'..host, 'v') ~= ARGV[3] then return {} end
for q = 0, p - 1 do
  if redis.call('LLEN', P..'q'..q..':'..host) > 0 then return {} end
end
local _, before = backlog(host)
local item = redis.call('LPOP', P..'q'..p..':'..host)
if not item then return {} end
queued(host, before, -1)
redis.call('HINCRBY', P..'h:'..host, 'v', 1)
redis.call('HSET', P..'h:'..host, 's', ARGV[5], 'r', ARGV[6], 'a', ARGV[7])
place(host)
redis.call('ZADD', P..'leases', ARGV[8], id)
redis.call('HSET', P..'lease', id, p .. host .. '\n' .. item)
return {id, item}
`)

// endScript ends a lease: with ARGV[9] '1' its item goes back to the front
// of its queue (the lease expired, or its process is leaving), else it was
// done. The host's new state is written if its version is unchanged.
// ARGV: P, lease id, host, version, new state, ready µs, admission, priority, requeue.
// Returns {'ok'}, {'gone'} when the lease had already ended, or
// {'changed', version, state} for the caller to decide again.
var endScript = redis.NewScript(luaHelpers + `
local id, host = ARGV[2], ARGV[3]
if not redis.call('ZSCORE', P..'leases', id) then return {'gone'} end
local h = redis.call('HMGET', P..'h:'..host, 'v', 's')
if h[1] ~= ARGV[4] then return {'changed', h[1], h[2]} end
if ARGV[9] == '1' then
  local lease = redis.call('HGET', P..'lease', id)
  local _, before = backlog(host)
  redis.call('LPUSH', P..'q'..ARGV[8]..':'..host, string.sub(lease, string.find(lease, '\n', 1, true) + 1))
  queued(host, before, 1)
end
redis.call('ZREM', P..'leases', id)
redis.call('HDEL', P..'lease', id)
redis.call('HINCRBY', P..'h:'..host, 'v', 1)
redis.call('HSET', P..'h:'..host, 's', ARGV[5], 'r', ARGV[6], 'a', ARGV[7])
place(host)
return {'ok'}
`)

// expiredScript lists up to ARGV[3] leases expired at ARGV[2] µs, each as
// its id and its record (priority, host, item), followed by its host's
// version and state. ARGV: P, now µs, limit.
var expiredScript = redis.NewScript(luaHelpers + `
local ids = redis.call('ZRANGE', P..'leases', '-inf', ARGV[2], 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  local lease = redis.call('HGET', P..'lease', id)
  local host = string.sub(lease, 2, string.find(lease, '\n', 1, true) - 1)
  local h = redis.call('HMGET', P..'h:'..host, 'v', 's')
  table.insert(out, id)
  table.insert(out, lease)
  table.insert(out, h[1])
  table.insert(out, h[2])
end
return out
`)

// renewScript moves the expiry of the leases named to ARGV[2] µs, those
// still held. ARGV: P, expiry µs, lease ids...
var renewScript = redis.NewScript(luaHelpers + `
for i = 3, #ARGV do
  redis.call('ZADD', P..'leases', 'XX', ARGV[2], ARGV[i])
end
return 0
`)

// dropScript empties a host's queues and returns their items, in priority
// order. ARGV: P, host.
var dropScript = redis.NewScript(luaHelpers + `
local host = ARGV[2]
local out = {}
local _, before = backlog(host)
for p = 0, 2 do
  local key = P..'q'..p..':'..host
  for _, item in ipairs(redis.call('LRANGE', key, 0, -1)) do
    table.insert(out, tostring(p))
    table.insert(out, item)
  end
  redis.call('DEL', key)
end
queued(host, before, -before)
place(host)
return out
`)

// statsScript reads the counters Stats reports. ARGV: P, now µs.
var statsScript = redis.NewScript(luaHelpers + `
local n = redis.call('HMGET', P..'n', 'queued', 'seen', 'hosts', 'hostsq')
return {n[1] or '0', n[2] or '0', n[3] or '0', n[4] or '0',
  tostring(redis.call('ZCOUNT', P..'ready', '-inf', ARGV[2])),
  tostring(redis.call('ZCARD', P..'leases')),
  tostring(redis.call('ZCOUNT', P..'procs', ARGV[2], '+inf'))}
`)
