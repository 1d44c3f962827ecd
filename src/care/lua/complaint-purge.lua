-- Deletes up to ARGV[2] tickets resolved before ARGV[1] (ms): the ticket, its
-- place among the resolved ones and the call's link to it. Only resolved
-- tickets are in that index; the state is checked again all the same, since
-- an open ticket is never deleted. Returns how many were deleted.
local B = KEYS[1]
local ids = redis.call('ZRANGEBYSCORE', B .. ':complaints-resolved', '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local deleted = 0
for _, id in ipairs(ids) do
  local k = B .. ':complaint:' .. id
  local state = redis.call('HGET', k, 'state')
  if state ~= 'open' then
    local callId = redis.call('HGET', k, 'callId')
    if callId and callId ~= '' and redis.call('GET', B .. ':complaint-call:' .. callId) == id then
      redis.call('DEL', B .. ':complaint-call:' .. callId)
    end
    if state then deleted = deleted + 1 end
    redis.call('DEL', k)
  end
  redis.call('ZREM', B .. ':complaints-resolved', id)
end
return deleted
