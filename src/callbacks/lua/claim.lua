-- KEYS[1]: the callbacks base key. ARGV: id, offeredAt, now, agent, agentLeg, customer leg prefix, ttl (s),
-- lease key, owner token: only the run holding the offer's lease may claim its dial.
local B = KEYS[1]
local id = ARGV[1]
local k = B .. ':cb:' .. id
local claim = B .. ':claim:' .. id .. ':' .. ARGV[2]
if redis.call('GET', ARGV[8]) ~= ARGV[9] then return cjson.encode({ status = 'lease-lost' }) end
local prev = redis.call('GET', claim)
if prev then return cjson.encode({ status = 'exists', attempt = tonumber(prev) }) end
local h = redis.call('HMGET', k, 'state', 'attempts', 'maxAttempts', 'firstDialledAt')
if not h[1] then return cjson.encode({ status = 'changed', state = 'missing' }) end
if h[1] ~= 'waiting' then return cjson.encode({ status = 'changed', state = h[1] }) end
local attempts = tonumber(h[2]) or 0
if attempts >= (tonumber(h[3]) or 1) then return cjson.encode({ status = 'exhausted', attempts = attempts }) end
local n = attempts + 1
local leg = ARGV[6] .. n
redis.call('SET', claim, n, 'EX', ARGV[7])
redis.call('HSET', k, 'state', 'dialling', 'attempts', n, 'lastDialledAt', ARGV[3])
if not h[4] or h[4] == '' then redis.call('HSET', k, 'firstDialledAt', ARGV[3]) end
local ak = B .. ':attempt:' .. id .. ':' .. n
redis.call('HSET', ak, 'offeredAt', ARGV[2], 'agent', ARGV[4], 'agentLeg', ARGV[5], 'customerLeg', leg,
  'startedAt', ARGV[3], 'stage', 'dialling', 'result', '')
redis.call('EXPIRE', ak, ARGV[7])
return cjson.encode({ status = 'claimed', attempt = n, customerLeg = leg })
