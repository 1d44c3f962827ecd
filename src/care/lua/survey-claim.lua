
local B = KEYS[1]
local k = B .. ':survey:' .. ARGV[1]
if not redis.call('SET', B .. ':survey-dial:' .. ARGV[1] .. ':' .. ARGV[2], '1', 'NX', 'EX', ARGV[3]) then return 'claimed-before' end
if redis.call('HGET', k, 'state') ~= 'scheduled' then return 'not-scheduled' end
redis.call('HSET', k, 'state', 'dialling', 'attempts', ARGV[2])
return 'claimed'