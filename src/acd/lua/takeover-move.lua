-- Moves a dead instance's calls to the instance holding its takeover.
-- KEYS[1]: B. ARGV: the dead instance, the holder. Returns the JSON list of
-- call ids moved, or 'lost' (the hold is no longer ours) or 'alive' (the
-- dead instance's lease is back: it recovers its calls itself).
--
-- The fencing rule: ownership moves only under our hold and only while the
-- owner is away, in one step; afterwards B:owned:<dead> is empty, so neither
-- a second claim nor the owner's own restart adopts these calls again.
local base = KEYS[1]
local dead, me = ARGV[1], ARGV[2]
if redis.call('GET', base .. ':takeover:' .. dead) ~= me then return 'lost' end
if redis.call('EXISTS', base .. ':instance:' .. dead) == 1 then return 'alive' end
local ids = redis.call('SMEMBERS', base .. ':owned:' .. dead)
local moved = {}
for _, id in ipairs(ids) do
  local call = base .. ':call:' .. id
  if redis.call('HGET', call, 'owner') == dead then
    redis.call('HSET', call, 'owner', me)
    redis.call('SADD', base .. ':owned:' .. me, id)
    moved[#moved + 1] = id
  end
end
redis.call('DEL', base .. ':owned:' .. dead)
-- Notices for the dead instance's calls (assignments, overflows): the
-- recovery puts reserved calls back in their place and records overflows
-- from the call itself, so they have nothing left to say.
redis.call('DEL', base .. ':inbox:' .. dead)
return cjson.encode(moved)
