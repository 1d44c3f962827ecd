-- Changes a campaign's status: start (draft), pause (running), resume
-- (paused), stop (draft, running or paused). A stop ends every target not yet
-- dialled as skipped; dials in progress finish (no customer is cut off).
-- KEYS[1]: the campaigns base. ARGV: campaign id, action, now (ms), reason.
-- Returns {'ok', status} or {'refused', status}.
local B, id, action, now = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3])
local c = B .. ':campaign:' .. id
local status = redis.call('HGET', c, 'status')
if not status then return { 'missing', '' } end
local allowed = { start = { draft = true }, pause = { running = true }, resume = { paused = true }, stop = { draft = true, running = true, paused = true } }
if not allowed[action][status] then return { 'refused', status } end
if action == 'start' or action == 'resume' then
  redis.call('HSET', c, 'status', 'running')
  if action == 'start' then redis.call('HSET', c, 'startedAt', now) end
  redis.call('SADD', B .. ':running', id)
  return { 'ok', 'running' }
end
if action == 'pause' then
  redis.call('HSET', c, 'status', 'paused')
  redis.call('SREM', B .. ':running', id)
  return { 'ok', 'paused' }
end
redis.call('HSET', c, 'status', 'stopped', 'stopReason', ARGV[4])
redis.call('SREM', B .. ':running', id)
local due = B .. ':due:' .. id
local left = redis.call('ZRANGE', due, 0, -1)
for _, number in ipairs(left) do
  redis.call('HSET', B .. ':result:' .. id, number, cjson.encode({ state = 'skipped', detail = ARGV[4] == 'window-ended' and 'window-ended' or 'stopped', at = now }))
end
redis.call('DEL', due)
redis.call('HINCRBY', B .. ':count:' .. id, 'pending', -#left)
redis.call('HINCRBY', B .. ':count:' .. id, 'skipped', #left)
if redis.call('ZCARD', B .. ':active:' .. id) == 0 then redis.call('HSET', c, 'endedAt', now) end
return { 'ok', 'stopped' }
