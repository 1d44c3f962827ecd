
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HMGET', KEYS[1], 'hash', 'revokedAt')
end
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'role', ARGV[2], 'hash', ARGV[3], 'createdAt', ARGV[4])
redis.call('SADD', KEYS[2], ARGV[5])
return 1