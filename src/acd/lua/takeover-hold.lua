-- Renews (ARGV[3] = expiry in ms) or drops (ARGV[3] = '0') the hold on a
-- dead instance's takeover, only while it is ours. KEYS[1]: B. ARGV: the dead
-- instance, the holder, the expiry. Returns 1 when the hold was ours.
local key = KEYS[1] .. ':takeover:' .. ARGV[1]
if redis.call('GET', key) ~= ARGV[2] then return 0 end
if ARGV[3] == '0' then redis.call('DEL', key) else redis.call('PEXPIRE', key, ARGV[3]) end
return 1
