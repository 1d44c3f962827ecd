-- KEYS[1]: the lease. ARGV: owner token, lease (ms). Renews the lease only while this owner holds it.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
