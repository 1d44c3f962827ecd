
local B = KEYS[1]
local existing = redis.call('GET', B .. ':complaint-call:' .. ARGV[1])
if existing then return cjson.encode({ id = existing, created = false }) end
local seq = redis.call('INCR', B .. ':complaint-seq:' .. ARGV[2])
redis.call('EXPIRE', B .. ':complaint-seq:' .. ARGV[2], 172800)
local id = ARGV[2] .. string.format('%04d', seq)
local fields = cjson.decode(ARGV[3])
local args = { 'id', id }
for f, v in pairs(fields) do
  args[#args + 1] = f
  args[#args + 1] = v
end
redis.call('HSET', B .. ':complaint:' .. id, unpack(args))
redis.call('ZADD', B .. ':complaints-open', ARGV[4], id)
redis.call('SET', B .. ':complaint-call:' .. ARGV[1], id)
return cjson.encode({ id = id, created = true })