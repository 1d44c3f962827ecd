-- Settles an attempt reserved by password-reserve.lua once the PIN was compared.
-- KEYS: failures counter, lock, reservations
-- ARGV: token, outcome ('ok' | 'wrong' | 'release'), max attempts, lock seconds
-- Returns {'ok'}, {'wrong', attempts left}, {'locked', ttl sec (-1: no expiry)}
-- or {'released'}.
redis.call('ZREM', KEYS[3], ARGV[1])
local outcome = ARGV[2]
if outcome == 'release' then return {'released'} end

-- Locked while the PIN was being compared (the limit reached on another line,
-- or a supervisor's lock): even the right PIN is refused.
local lockTtl = redis.call('TTL', KEYS[2])
if lockTtl ~= -2 then return {'locked', lockTtl} end

if outcome == 'ok' then
  redis.call('DEL', KEYS[1])
  return {'ok'}
end

local maxAttempts = tonumber(ARGV[3])
local lockSec = tonumber(ARGV[4])
local failures = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], lockSec)
if failures >= maxAttempts then
  redis.call('SET', KEYS[2], '1', 'EX', lockSec)
  redis.call('DEL', KEYS[1])
  return {'locked', lockSec}
end
return {'wrong', maxAttempts - failures}
