-- Claims the takeover of a dead instance's calls. KEYS[1]: B (the ACD base
-- key). ARGV: the dead instance, the claiming instance, the hold's expiry (ms).
--
-- Claimed only while the dead instance has no lease (it did not come back),
-- nobody holds its takeover already (one survivor at a time) and it still
-- owns calls. The hold B:takeover:<dead> is the lock: its holder renews it
-- while it keeps the dead instance's Stasis app, so a survivor that dies in
-- turn lets another claim.
local base = KEYS[1]
local dead, me, holdMs = ARGV[1], ARGV[2], ARGV[3]
if redis.call('EXISTS', base .. ':instance:' .. dead) == 1 then return 'alive' end
if redis.call('EXISTS', base .. ':takeover:' .. dead) == 1 then return 'held' end
if redis.call('SCARD', base .. ':owned:' .. dead) == 0 then return 'nothing' end
redis.call('SET', base .. ':takeover:' .. dead, me, 'PX', holdMs)
return 'claimed'
