-- Reserves one password attempt before the PIN is compared, so that attempts
-- in flight on every instance count against the limit as if they had failed.
-- KEYS: failures counter, lock, reservations (sorted set: token -> expiry ms)
-- ARGV: token, max attempts, reservation lifetime ms
-- Returns {'locked', ttl sec (-1: no expiry)}, {'busy', sec until a reservation
-- lapses} or {'reserved', attempts left before this one}.
local lockTtl = redis.call('TTL', KEYS[2])
if lockTtl ~= -2 then return {'locked', lockTtl} end

local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
-- A reservation whose instance died before settling it lapses.
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', nowMs)

local maxAttempts = tonumber(ARGV[2])
local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
local pending = redis.call('ZCARD', KEYS[3])
if failures + pending >= maxAttempts then
  local first = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  local waitSec = 1
  if first[2] then waitSec = math.max(1, math.ceil((tonumber(first[2]) - nowMs) / 1000)) end
  return {'busy', waitSec}
end

local lifetimeMs = tonumber(ARGV[3])
redis.call('ZADD', KEYS[3], nowMs + lifetimeMs, ARGV[1])
redis.call('PEXPIRE', KEYS[3], lifetimeMs)
return {'reserved', maxAttempts - failures}
