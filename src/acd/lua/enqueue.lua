-- Enqueue a call: ARGV[5] the call (JSON of its hash fields), ARGV[6] the
-- queue's most waiting calls. An available qualified agent is reserved at
-- once; otherwise the call joins the indexes (and the overflow timetable).
-- Status: queued (with position, or a reservation), full, exists.
sync_rates()
local c = cjson.decode(ARGV[5])
local ck = key('call', c.id)
if redis.call('EXISTS', ck) == 1 then return finish('exists') end
local waiting = redis.call('ZCARD', key('q', c.queue))
if waiting >= tonumber(ARGV[6]) then
  out.waiting = waiting
  return finish('full')
end
c.state = 'waiting'
c.stage = '0'
hash_set(ck, c)
redis.call('SADD', key('owned', c.owner), c.id)
if not place_call(c) then
  out.position = redis.call('ZRANK', key('q', c.queue), c.mem) + 1
  out.waiting = waiting + 1
else
  out.position = 0
  out.waiting = waiting
end
return finish('queued')
