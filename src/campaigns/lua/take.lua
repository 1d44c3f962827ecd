-- Starts the campaign's next dials while its limits and the total allow.
-- KEYS[1]: the campaigns base. ARGV: campaign id, now (ms), max per campaign,
-- max in total, end of a number's period from now (ms), most dials to start.
-- Returns a flat list: number, attempt, number, attempt...
-- Every check a dial needs is made here, in one step with taking the slot:
-- the do-not-call list, a call by another campaign in the period, the limits.
local B, id, now = KEYS[1], ARGV[1], tonumber(ARGV[2])
local perCampaign, total, periodEnd, most = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local c = B .. ':campaign:' .. id
if redis.call('HGET', c, 'status') ~= 'running' then return {} end
local due, active, all = B .. ':due:' .. id, B .. ':active:' .. id, B .. ':active'
local results, counts, tries = B .. ':result:' .. id, B .. ':count:' .. id, B .. ':tries:' .. id
local out = {}
local function skip(number, why)
  redis.call('HSET', results, number, cjson.encode({ state = 'skipped', detail = why, at = now }))
  redis.call('HINCRBY', counts, 'pending', -1)
  redis.call('HINCRBY', counts, 'skipped', 1)
end
while #out < most * 2 do
  if redis.call('ZCARD', active) >= perCampaign or redis.call('ZCARD', all) >= total then break end
  local first = redis.call('ZRANGEBYSCORE', due, '-inf', now, 'LIMIT', 0, 1)[1]
  if not first then break end
  redis.call('ZREM', due, first)
  local gate = redis.call('GET', B .. ':called:' .. first)
  local gateOwner, gateUntil = nil, 0
  if gate then
    gateOwner = string.match(gate, '^(.*)|')
    gateUntil = tonumber(string.match(gate, '|(%d+)$')) or 0
  end
  if redis.call('HEXISTS', B .. ':dnc', first) == 1 then
    skip(first, 'do-not-call')
  elseif gate and gateOwner ~= id and gateUntil > now then
    skip(first, 'called-recently')
  else
    local attempt = redis.call('HINCRBY', tries, first, 1)
    if not gate or gateOwner ~= id then
      redis.call('SET', B .. ':called:' .. first, id .. '|' .. periodEnd, 'PX', math.max(1, periodEnd - now))
    end
    redis.call('ZADD', active, now, first)
    redis.call('ZADD', all, now, id .. '|' .. first .. '|' .. attempt)
    redis.call('HSET', results, first, cjson.encode({ state = 'dialling', attempts = attempt, at = now }))
    redis.call('HINCRBY', counts, 'pending', -1)
    redis.call('HINCRBY', counts, 'dialling', 1)
    out[#out + 1] = first
    out[#out + 1] = attempt
  end
end
-- Every number skipped and none in progress: nothing is left to call.
if redis.call('ZCARD', active) == 0 and redis.call('ZCARD', due) == 0 then
  redis.call('HSET', c, 'status', 'done', 'endedAt', now)
  redis.call('SREM', B .. ':running', id)
end
return out
