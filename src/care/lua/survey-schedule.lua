
local B = KEYS[1]
local gate = B .. ':surveyed:' .. ARGV[2]
local taken = redis.call('GET', gate)
if taken then
  local till = tonumber(string.match(taken, '|(%d+)$'))
  if till and till > tonumber(ARGV[3]) then return 0 end
end
redis.call('SET', gate, ARGV[1] .. '|' .. ARGV[4], 'PX', math.max(1, tonumber(ARGV[4]) - tonumber(ARGV[3])))
local fields = cjson.decode(ARGV[5])
local args = {}
for f, v in pairs(fields) do
  args[#args + 1] = f
  args[#args + 1] = v
end
redis.call('HSET', B .. ':survey:' .. ARGV[1], unpack(args))
redis.call('ZADD', B .. ':surveys-pending', ARGV[6], ARGV[1])
redis.call('ZADD', B .. ':surveys-by-time', ARGV[3], ARGV[1])
return 1