-- KEYS[1]: the callbacks base key. ARGV: id, change JSON {expect, gen, set, bumpGen, deadline, close = {at, ttlSec}}
local B = KEYS[1]
local id = ARGV[1]
local a = cjson.decode(ARGV[2])
local k = B .. ':cb:' .. id
local h = redis.call('HMGET', k, 'state', 'gen', 'queue', 'number')
if not h[1] then return cjson.encode({ status = 'missing' }) end
local gen = tonumber(h[2]) or 0
if a.expect ~= cjson.null then
  local allowed = false
  for _, s in ipairs(a.expect) do
    if s == h[1] then allowed = true end
  end
  if not allowed then return cjson.encode({ status = 'changed', state = h[1], gen = gen }) end
end
if a.gen ~= cjson.null and tonumber(a.gen) ~= gen then
  return cjson.encode({ status = 'changed', state = h[1], gen = gen })
end
local args = {}
for f, v in pairs(a.set) do
  args[#args + 1] = f
  args[#args + 1] = v
end
if #args > 0 then redis.call('HSET', k, unpack(args)) end
if a.bumpGen then gen = redis.call('HINCRBY', k, 'gen', 1) end
if a.deadline ~= cjson.null then redis.call('ZADD', B .. ':open', a.deadline, id) end
if a.close ~= cjson.null then
  redis.call('ZREM', B .. ':open', id)
  local dedup = B .. ':dedup:' .. h[3] .. ':' .. h[4]
  if redis.call('GET', dedup) == id then redis.call('DEL', dedup) end
  redis.call('ZADD', B .. ':closed', a.close.at, id)
  redis.call('EXPIRE', k, a.close.ttlSec)
end
return cjson.encode({ status = 'ok', state = redis.call('HGET', k, 'state'), gen = gen })
