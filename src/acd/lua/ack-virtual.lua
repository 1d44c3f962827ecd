-- Takes a virtual reservation out of B:vres if it is still the one handed over
-- (same reservation time). KEYS[1]: B:vres. ARGV: call id, reservation time.
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
