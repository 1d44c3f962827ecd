-- KEYS[1]: the callbacks base key. ARGV: id, dedup member, fields JSON, deadline
local B = KEYS[1]
local dedup = B .. ':dedup:' .. ARGV[2]
local existing = redis.call('GET', dedup)
if existing then
  local k = B .. ':cb:' .. existing
  local st = redis.call('HGET', k, 'state')
  if st == 'scheduled' or st == 'waiting' or st == 'dialling' then
    redis.call('HINCRBY', k, 'merged', 1)
    return cjson.encode({ status = 'merged', id = existing })
  end
end
local k = B .. ':cb:' .. ARGV[1]
if redis.call('EXISTS', k) == 1 then return cjson.encode({ status = 'exists', id = ARGV[1] }) end
local fields = cjson.decode(ARGV[3])
local args = {}
for f, v in pairs(fields) do
  args[#args + 1] = f
  args[#args + 1] = v
end
redis.call('HSET', k, unpack(args))
redis.call('SET', dedup, ARGV[1])
redis.call('ZADD', B .. ':open', ARGV[4], ARGV[1])
return cjson.encode({ status = 'created', id = ARGV[1] })
