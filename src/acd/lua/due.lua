-- Timed work that has fallen due (any instance may run it; each entry is
-- handled once). ARGV[5] most entries, ARGV[6] today (YYYY-MM-DD),
-- ARGV[7] start of the next day (ms), ARGV[8] lease (ms) for agent entries.
--   o:<call>   overflow time reached: the call also waits for overflow agents
--   d:         a new day: daily counters restart, fewest-calls order re-scored
--   w:<agent>, u:<agent>  returned in `agents` for the caller to apply through
--              the state machine (end of wrap-up, end of a busy pause); they
--              stay in the timetable, pushed back by the lease, until applied,
--              so a caller that dies half-way leaves them to another instance.
sync_rates()
local items = redis.call('ZRANGEBYSCORE', key('due'), '-inf', NOW, 'LIMIT', 0, tonumber(ARGV[5]))
out.agents = {}
for _, m in ipairs(items) do
  local kind = string.sub(m, 1, 2)
  if kind == 'o:' then
    redis.call('ZREM', key('due'), m)
    local c = call_get(string.sub(m, 3))
    if c and c.state == 'waiting' and c.stage ~= '1' then
      call_unindex(c)
      promote(c)
      place_call(c)
    end
  elseif kind == 'd:' then
    redis.call('ZREM', key('due'), m)
    local today = ARGV[6]
    for _, aid in ipairs(redis.call('SMEMBERS', key('agents'))) do
      local a = agent_get(aid)
      if a and a.day ~= today then
        hash_set(key('agent', aid), { calls = 0, talk = 0, day = today, v = tonumber(a.v) + 1 })
        if a.state == 'available' then
          a.calls = '0'
          agent_avail_add(a, cjson.decode(a.skills))
        end
      end
    end
    redis.call('ZADD', key('due'), ARGV[7], 'd:')
  else
    redis.call('ZADD', key('due'), num(NOW + tonumber(ARGV[8])), m)
    out.agents[#out.agents + 1] = m
  end
end
if #out.agents == 0 then out.agents = nil end
return finish('done')
