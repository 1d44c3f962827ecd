-- Apply a change to an agent and/or a call in one step.
--   ARGV[5] agent id ('' for none)
--   ARGV[6] the agent's version the change was computed from (-1: create)
--   ARGV[7] the agent's new fields as JSON ('' deletes the agent)
--   ARGV[8] agent timer as JSON {member, at} ('' for none)
--   ARGV[9] call operation as JSON ('' for none):
--           {op, call, expect = [states], agent? (the call must be this agent's),
--            leg?, bridge?, handleMs?}
--           op = ring | answer | requeue | remove | prioritize (with priority:
--           the call's base priority changed, keeping its enqueue time; a
--           waiting call is re-placed at once, an offered one when requeued)
-- The agent's version guards against lost updates: the caller computed the
-- new fields with the pure state machine from the version it read, and
-- retries on `conflict`. Statuses: ok, conflict, exists, missing,
-- call-missing, call-changed.
sync_rates()
local id = ARGV[5]
local expected = tonumber(ARGV[6])
local old = nil
if id ~= '' then
  old = agent_get(id)
  if expected < 0 then
    if old then return finish('exists') end
  else
    if not old then return finish('missing') end
    if tonumber(old.v) ~= expected then
      out.version = tonumber(old.v)
      return finish('conflict')
    end
  end
end

local op = nil
local c = nil
if ARGV[9] ~= '' then
  op = cjson.decode(ARGV[9])
  c = call_get(op.call)
  if not c then return finish('call-missing') end
  local allowed = false
  for _, s in ipairs(op.expect) do
    if c.state == s then allowed = true end
  end
  if not allowed or (op.agent ~= nil and c.agent ~= op.agent) then
    out.callState = c.state
    out.callAgent = c.agent
    return finish('call-changed')
  end
end

-- The agent: out of every index, then back in as the new fields say.
local placed = nil
if id ~= '' then
  if old then
    local skills = cjson.decode(old.skills)
    agent_avail_rem(id, skills)
    agent_staff(id, skills, false)
  end
  -- An agent timer belongs to the state it was set in: gone once the state changes.
  if ARGV[7] == '' or not old or old.state ~= cjson.decode(ARGV[7]).state then
    redis.call('ZREM', key('due'), 'w:' .. id, 'u:' .. id)
  end
  if ARGV[7] == '' then
    redis.call('DEL', key('agent', id))
    redis.call('SREM', key('agents'), id)
  else
    local n = cjson.decode(ARGV[7])
    n.id = id
    n.v = (old and tonumber(old.v) or 0) + 1
    hash_set(key('agent', id), n)
    redis.call('SADD', key('agents'), id)
    local skills = cjson.decode(n.skills)
    if STAFFED[n.state] then agent_staff(id, skills, true) end
    if ARGV[8] ~= '' then
      local t = cjson.decode(ARGV[8])
      redis.call('ZADD', key('due'), num(t.at), t.member)
    end
    out.version = n.v
    if n.state == 'available' then placed = { a = n, skills = skills } end
  end
end

-- The call.
if op then
  local ck = key('call', c.id)
  if op.op == 'ring' then
    hash_set(ck, { state = 'ringing', leg = op.leg or '' })
  elseif op.op == 'answer' then
    hash_set(ck, { state = 'bridged', answeredAt = num(NOW), bridge = op.bridge or '' })
  elseif op.op == 'requeue' then
    -- Back in with its original enqueue time and priority, so exactly where it
    -- was: ahead of every call that was behind it when it was offered.
    hash_set(ck, { state = 'waiting', agent = '', leg = '' })
    c.state = 'waiting'
    redis.call('ZREM', key('vres'), c.id)
    place_call(c)
  elseif op.op == 'prioritize' then
    if c.state == 'waiting' then call_unindex(c) end
    c.pri = num(op.priority)
    hash_set(ck, { pri = c.pri })
    if c.state == 'waiting' then place_call(c) end
  elseif op.op == 'remove' then
    if c.state == 'waiting' then call_unindex(c) end
    redis.call('ZREM', key('due'), 'o:' .. c.id)
    redis.call('ZREM', key('vres'), c.id)
    redis.call('DEL', ck)
    redis.call('SREM', key('owned', c.owner), c.id)
    if op.handleMs ~= nil then
      redis.call('LPUSH', key('aht', c.queue), num(math.floor(op.handleMs)))
      redis.call('LTRIM', key('aht', c.queue), 0, AHT_SAMPLES - 1)
    end
  else
    return redis.error_reply('unknown call operation ' .. tostring(op.op))
  end
end

-- An agent who became available takes the best waiting call, if any.
if placed then
  place_agent(placed.a, placed.skills)
  out.version = tonumber(redis.call('HGET', key('agent', id), 'v'))
end
return finish('ok')
