-- KEYS[1]: the lease. ARGV: owner token. Lets the lease go only if this owner holds it.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
