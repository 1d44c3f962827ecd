
local B = KEYS[1]
local k = B .. ':complaint:' .. ARGV[1]
local state = redis.call('HGET', k, 'state')
if not state then return 'missing' end
if state ~= 'open' then return 'already-resolved' end
redis.call('HSET', k, 'state', 'resolved', 'resolvedAt', ARGV[2], 'resolvedBy', ARGV[3], 'note', ARGV[4])
redis.call('ZREM', B .. ':complaints-open', ARGV[1])
redis.call('ZADD', B .. ':complaints-resolved', ARGV[2], ARGV[1])
return 'resolved'