
local inForce = tonumber(redis.call('GET', KEYS[1]) or '0')
if inForce ~= tonumber(ARGV[1]) then
  return {0, inForce}
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
local keep = tonumber(ARGV[6])
if redis.call('HLEN', KEYS[3]) > keep then
  local versions = {}
  for _, v in ipairs(redis.call('HKEYS', KEYS[3])) do table.insert(versions, tonumber(v)) end
  table.sort(versions)
  for i = 1, #versions - keep do redis.call('HDEL', KEYS[3], tostring(versions[i])) end
end
local auditId = ''
if ARGV[4] ~= '' then
  auditId = redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[7], '*', 'entry', ARGV[4])
end
redis.call('PUBLISH', ARGV[5], ARGV[3])
return {1, tonumber(ARGV[2]), auditId}
