-- Deletes up to ARGV[2] surveys scheduled before ARGV[1] (ms): the record, its
-- place among the pending ones and, while it still names this survey, the
-- number's once-per-period gate (the key holds the number). Returns how many.
local B = KEYS[1]
local ids = redis.call('ZRANGEBYSCORE', B .. ':surveys-by-time', '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  local k = B .. ':survey:' .. id
  local number = redis.call('HGET', k, 'number')
  if number and number ~= '' then
    local gate = B .. ':surveyed:' .. number
    local taken = redis.call('GET', gate)
    if taken and string.sub(taken, 1, #id + 1) == id .. '|' then redis.call('DEL', gate) end
  end
  redis.call('DEL', k)
  redis.call('ZREM', B .. ':surveys-pending', id)
  redis.call('ZREM', B .. ':surveys-by-time', id)
end
return #ids
