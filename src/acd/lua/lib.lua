-- Shared prelude of every ACD script (prepended when the scripts are loaded).
--
-- Every key lives under one base key that carries a hash tag (KEYS[1], e.g.
-- "hotline:{acd}"), so all of them hash to one cluster slot and each script
-- is atomic across the whole ACD state: an agent is reserved and a call taken
-- out of every index in one step, whichever instance runs it.
--
-- Common arguments: ARGV[1] now (ms), ARGV[2] the calling instance id,
-- ARGV[3] JSON {queue: agingPerMinute} in force, ARGV[4] agent choice
-- ("longest-idle" | "fewest-calls"). Script arguments start at ARGV[5].
--
-- Keys (B = base):
--   B:agents                 set of agent ids
--   B:agent:<id>             hash: definition and status (see redis-acd-store.ts)
--   B:as:<skill>:<level>     available agents, score idleSince (longest idle first)
--   B:ac:<skill>:<level>     available agents, score callsToday * 2^42 + idleSince
--   B:st:<skill>:<level>     staffed agents (available, reserved, ringing, on-call, wrap-up)
--   B:call:<id>              hash: a queued call
--   B:q:<queue>              the queue's waiting calls, by waiting score
--   B:w:<queue>:<skill>:<l>  waiting calls an agent with <skill> at level >= l may take
--   B:wi:<skill>             which "<queue>:<l>" wait indexes of <skill> are not empty
--   B:rates                  aging rate each queue's scores were computed with
--   B:due                    timed work, score = due time: o:<call> overflow,
--                            w:<agent> end of wrap-up, u:<agent> busy pause over, d: new day
--   B:owned:<instance>       calls owned by an instance (whose Stasis app holds the caller)
--   B:inbox:<instance>       work for an instance done by another (assignments, overflows)
--   B:instance:<instance>    an instance's lease; B:instances every instance that held one;
--                            B:takeover:<instance> the survivor taking a dead one's calls
--                            over (takeover-*.lua, instance-registry.ts)
--   B:aht:<queue>            recent handle times (ms), newest first
--   B:vres                   virtual calls with an agent reserved, waiting for the
--                            virtual-call connector, score = when reserved
--
-- Virtual calls (field virt = '1', owner '@virtual') keep a place in a queue
-- for a caller who is not on the line (a callback): they are scored, aged,
-- overflowed and assigned exactly like live calls. When one is given an
-- agent, no Stasis app holds a caller to ring the agent for, so instead of a
-- reservation for an owner the call id goes into B:vres and is announced on
-- B:wake:@virtual; any instance's virtual-call connector takes it from there.
--
-- Waiting score: lower is served first,
--   score = agingPerMinute * (enqueuedAt - EPOCH) / 60000 - priority
-- so that  effective priority = priority + agingPerMinute * waitedMinutes
--                             = agingPerMinute * (now - EPOCH) / 60000 - score.
-- Within one queue (one rate) the order never changes while calls wait, so a
-- sorted set holds it; across queues the heads are compared at `now`.
-- Members are "<enqueuedAt, 15 digits>:<call id>": equal scores fall back to
-- the oldest call.

local B = KEYS[1]
local NOW = tonumber(ARGV[1])
local SELF = ARGV[2]
local RATES = cjson.decode(ARGV[3])
local CHOICE = ARGV[4]
local EPOCH = 1704067200000
local CALLS_WEIGHT = 4398046511104
local EPS = 1e-6
local MEMBER_PREFIX = 17
local AHT_SAMPLES = 50
local VIRTUAL_OWNER = '@virtual'
local STAFFED = { ['available'] = true, ['reserved'] = true, ['ringing'] = true, ['on-call'] = true, ['wrap-up'] = true }

local out = { reservations = {}, notices = {} }

-- Scores and times as exact decimal strings: a bare Lua number would reach
-- Redis with only 14 significant digits.
local function num(x)
  return string.format('%.17g', x)
end

local function key(...)
  return B .. ':' .. table.concat({ ... }, ':')
end

local function hash_get(k)
  local flat = redis.call('HGETALL', k)
  if #flat == 0 then return nil end
  local h = {}
  for i = 1, #flat, 2 do h[flat[i]] = flat[i + 1] end
  return h
end

local function hash_set(k, t)
  local args = {}
  for f, v in pairs(t) do
    args[#args + 1] = f
    args[#args + 1] = tostring(v)
  end
  if #args > 0 then redis.call('HSET', k, unpack(args)) end
end

local function finish(status)
  out.status = status
  local head = redis.call('ZRANGE', key('due'), 0, 0, 'WITHSCORES')
  out.due = head[2] and tonumber(head[2]) or false
  if #out.reservations == 0 then out.reservations = nil end
  if #out.notices == 0 then out.notices = nil end
  return cjson.encode(out)
end

-- Tell the owner of a call about it: returned when that is us, otherwise
-- queued in its inbox (kept until handled) and announced on its channel.
local function notify(owner, msg)
  if owner == SELF then
    out.notices[#out.notices + 1] = msg
  else
    local text = cjson.encode(msg)
    redis.call('RPUSH', key('inbox', owner), text)
    redis.call('PUBLISH', key('wake', owner), text)
  end
end

-- Aging rates ------------------------------------------------------------------

local function rate_of(queue)
  local r = RATES[queue]
  if r ~= nil then return tonumber(r) end
  return tonumber(redis.call('HGET', key('rates'), queue) or '0') or 0
end

local function score(pri, rate, enq)
  return rate * (enq - EPOCH) / 60000 - pri
end

-- Wait indexes -------------------------------------------------------------------

local function wait_add(queue, skill, lvl, sc, mem)
  redis.call('ZADD', key('w', queue, skill, lvl), num(sc), mem)
  redis.call('SADD', key('wi', skill), queue .. ':' .. lvl)
end

local function wait_rem(queue, skill, lvl, mem)
  local k = key('w', queue, skill, lvl)
  redis.call('ZREM', k, mem)
  if redis.call('ZCARD', k) == 0 then redis.call('SREM', key('wi', skill), queue .. ':' .. lvl) end
end

local function call_get(id)
  return hash_get(key('call', id))
end

local function call_index(c)
  local sc = score(tonumber(c.pri), rate_of(c.queue), tonumber(c.enq))
  redis.call('ZADD', key('q', c.queue), num(sc), c.mem)
  wait_add(c.queue, c.skill, c.lvl, sc, c.mem)
  if c.stage == '1' then wait_add(c.queue, c.oskill, c.olvl, sc, c.mem) end
end

local function call_unindex(c)
  redis.call('ZREM', key('q', c.queue), c.mem)
  wait_rem(c.queue, c.skill, c.lvl, c.mem)
  if c.stage == '1' then wait_rem(c.queue, c.oskill, c.olvl, c.mem) end
  redis.call('ZREM', key('due'), 'o:' .. c.id)
end

-- A queue's rate was tuned: re-score its waiting calls as if they had always
-- aged at the new rate (effective priority = priority + new rate * waited).
local function sync_rates()
  local stored = redis.call('HGETALL', key('rates'))
  local known = {}
  for i = 1, #stored, 2 do known[stored[i]] = tonumber(stored[i + 1]) end
  for queue, r in pairs(RATES) do
    r = tonumber(r)
    if known[queue] ~= r then
      redis.call('HSET', key('rates'), queue, num(r))
      if known[queue] ~= nil then
        for _, mem in ipairs(redis.call('ZRANGE', key('q', queue), 0, -1)) do
          local c = call_get(string.sub(mem, MEMBER_PREFIX))
          if c then call_index(c) end
        end
      end
    end
  end
end

-- Agents -------------------------------------------------------------------------

local function agent_get(id)
  return hash_get(key('agent', id))
end

local function agent_avail_add(a, skills)
  local idle = tonumber(a.idle)
  local calls = tonumber(a.calls)
  for s, l in pairs(skills) do
    redis.call('ZADD', key('as', s, l), num(idle), a.id)
    redis.call('ZADD', key('ac', s, l), num(calls * CALLS_WEIGHT + idle), a.id)
  end
end

local function agent_avail_rem(id, skills)
  for s, l in pairs(skills) do
    redis.call('ZREM', key('as', s, l), id)
    redis.call('ZREM', key('ac', s, l), id)
  end
end

local function agent_staff(id, skills, on)
  for s, l in pairs(skills) do
    if on then redis.call('SADD', key('st', s, l), id) else redis.call('SREM', key('st', s, l), id) end
  end
end

-- Decisions ------------------------------------------------------------------------

-- The waiting call `skills` qualify for with the highest effective priority
-- now (oldest first on equal priority): one look at the head of each wait
-- index of the agent's skills at or below the agent's level.
local function best_call_for(skills)
  local best_eff, best_mem
  for s, agent_level in pairs(skills) do
    for _, d in ipairs(redis.call('SMEMBERS', key('wi', s))) do
      local q, l = string.match(d, '^(.*):(%d)$')
      if tonumber(l) <= agent_level then
        local h = redis.call('ZRANGE', key('w', q, s, l), 0, 0, 'WITHSCORES')
        if h[1] then
          local eff = rate_of(q) * (NOW - EPOCH) / 60000 - tonumber(h[2])
          if best_eff == nil or eff > best_eff + EPS or (eff >= best_eff - EPS and h[1] < best_mem) then
            best_eff, best_mem = eff, h[1]
          end
        end
      end
    end
  end
  if best_mem == nil then return nil end
  return string.sub(best_mem, MEMBER_PREFIX)
end

-- The available agent for call `c`: with the call's skill at level >= its
-- minimum (or, once overflowed, the overflow skill at level >= the overflow
-- minimum); the highest level first when the call prefers it; then longest
-- idle or fewest calls today. One look at the head of each (skill, level).
local function best_agent_for(c)
  local entries = { { c.skill, tonumber(c.lvl) } }
  if c.stage == '1' then entries[2] = { c.oskill, tonumber(c.olvl) } end
  local idx = (CHOICE == 'fewest-calls') and 'ac' or 'as'
  local function head_at(lvl, best)
    for _, e in ipairs(entries) do
      if lvl >= e[2] then
        local h = redis.call('ZRANGE', key(idx, e[1], lvl), 0, 0, 'WITHSCORES')
        if h[1] then
          local sc = tonumber(h[2])
          if best == nil or sc < best.score or (sc == best.score and h[1] < best.id) then best = { score = sc, id = h[1] } end
        end
      end
    end
    return best
  end
  local best
  if c.prefer == '1' then
    for lvl = 5, 1, -1 do
      best = head_at(lvl, nil)
      if best then break end
    end
  else
    for lvl = 1, 5 do best = head_at(lvl, best) end
  end
  return best and best.id or nil
end

local function reserve(a, skills, c)
  agent_avail_rem(a.id, skills)
  local v = tonumber(a.v) + 1
  hash_set(key('agent', a.id), { state = 'reserved', since = num(NOW), call = c.id, reason = '', v = v })
  call_unindex(c)
  hash_set(key('call', c.id), { state = 'reserved', agent = a.id, offeredAt = num(NOW) })
  if c.virt == '1' then
    redis.call('ZADD', key('vres'), num(NOW), c.id)
    redis.call('PUBLISH', key('wake', VIRTUAL_OWNER), c.id)
  elseif c.owner == SELF then
    out.reservations[#out.reservations + 1] = { call = c.id, agent = a.id, dial = a.dial, switch = a.sw, version = v }
  else
    notify(c.owner, { kind = 'assigned', call = c.id, agent = a.id })
  end
end

-- The call reached its overflow time: from now on overflow agents qualify too.
local function promote(c)
  if c.stage == '1' or c.oafter == nil or c.oafter == '' then return end
  c.stage = '1'
  redis.call('HSET', key('call', c.id), 'stage', '1')
  redis.call('ZREM', key('due'), 'o:' .. c.id)
  -- Nobody is on the line of a virtual call to be told.
  if c.virt ~= '1' then notify(c.owner, { kind = 'overflowed', call = c.id }) end
end

-- Give the waiting call `c` (not indexed) an agent, or put it in the indexes.
local function place_call(c)
  if c.stage ~= '1' and c.oafter ~= nil and c.oafter ~= '' and tonumber(c.enq) + tonumber(c.oafter) <= NOW then promote(c) end
  local aid = best_agent_for(c)
  if aid then
    local a = agent_get(aid)
    reserve(a, cjson.decode(a.skills), c)
    return true
  end
  call_index(c)
  if c.stage ~= '1' and c.oafter ~= nil and c.oafter ~= '' then
    redis.call('ZADD', key('due'), num(tonumber(c.enq) + tonumber(c.oafter)), 'o:' .. c.id)
  end
  return false
end

-- Give the available agent `a` (not indexed) a call, or put it in the indexes.
local function place_agent(a, skills)
  local cid = best_call_for(skills)
  if cid then
    reserve(a, skills, call_get(cid))
    return true
  end
  agent_avail_add(a, skills)
  return false
end
