-- KEYS[1]: the care base key. ARGV: survey id, attempt, claim ttl (s), lease key, owner token.
-- Only the run holding the dial's lease may claim it (see TryLeases).
local B = KEYS[1]
if redis.call('GET', ARGV[4]) ~= ARGV[5] then return 'lease-lost' end
local k = B .. ':survey:' .. ARGV[1]
if not redis.call('SET', B .. ':survey-dial:' .. ARGV[1] .. ':' .. ARGV[2], '1', 'NX', 'EX', ARGV[3]) then return 'claimed-before' end
if redis.call('HGET', k, 'state') ~= 'scheduled' then return 'not-scheduled' end
redis.call('HSET', k, 'state', 'dialling', 'attempts', ARGV[2])
return 'claimed'