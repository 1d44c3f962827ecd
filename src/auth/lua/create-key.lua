-- Creates an API key unless its id is taken: 1, or the stored hash and
-- revocation of the key in the way. ARGV[6], when not empty, is when the key
-- expires (ms since the epoch); ARGV[7], when not empty, the agent an agent
-- key is bound to.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HMGET', KEYS[1], 'hash', 'revokedAt')
end
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'role', ARGV[2], 'hash', ARGV[3], 'createdAt', ARGV[4])
if ARGV[6] ~= '' then
  redis.call('HSET', KEYS[1], 'expiresAt', ARGV[6])
end
if ARGV[7] ~= nil and ARGV[7] ~= '' then
  redis.call('HSET', KEYS[1], 'agentId', ARGV[7])
end
redis.call('SADD', KEYS[2], ARGV[5])
return 1
