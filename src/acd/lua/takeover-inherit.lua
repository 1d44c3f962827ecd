-- Takes over the holds a dead survivor kept on the apps of instances it had
-- taken over before it died, for the instance that claimed it: their calls
-- moved to the dead survivor, and now move on with its own. KEYS[1]: B.
-- ARGV: the dead survivor, the claiming instance, the hold's expiry (ms),
-- then the instances whose takeover the dead survivor held. Returns the JSON
-- list of those inherited (a hold still the dead survivor's, or expired).
local base = KEYS[1]
local dead, me, holdMs = ARGV[1], ARGV[2], ARGV[3]
if redis.call('GET', base .. ':takeover:' .. dead) ~= me then return '[]' end
local inherited = {}
for i = 4, #ARGV do
  local key = base .. ':takeover:' .. ARGV[i]
  local holder = redis.call('GET', key)
  if (not holder or holder == dead) and redis.call('EXISTS', base .. ':instance:' .. ARGV[i]) == 0 then
    redis.call('SET', key, me, 'PX', holdMs)
    inherited[#inherited + 1] = ARGV[i]
  end
end
if #inherited == 0 then return '[]' end
return cjson.encode(inherited)
