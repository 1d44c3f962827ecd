-- Ends a dial: the number's result, its counts, its slot given back; a retry
-- puts it back among the due numbers. Once per try: a second settle (a run
-- taking over after a crash) finds the try no longer in progress and does
-- nothing. The campaign is done when nothing is due or in progress.
-- KEYS[1]: the campaigns base. ARGV: campaign id, number, attempt, now (ms),
-- outcome (answered | retry | unreached | failed | skipped | requeue), detail, keys, listened (1/0), retry at (ms).
-- requeue: the try was never dialled (an agent-assisted try whose agent was
-- not reached, or which quiet hours or a pause caught waiting): the number is
-- due again at retry at and the try is given back (not one of its attempts).
local B, id, number, attempt, now = KEYS[1], ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local outcome, detail, keys, listened, retryAt = ARGV[5], ARGV[6], ARGV[7], ARGV[8] == '1', tonumber(ARGV[9])
local c, active, counts = B .. ':campaign:' .. id, B .. ':active:' .. id, B .. ':count:' .. id
if not redis.call('ZSCORE', active, number) or redis.call('HGET', B .. ':tries:' .. id, number) ~= attempt then return 0 end
redis.call('ZREM', active, number)
redis.call('ZREM', B .. ':active', id .. '|' .. number .. '|' .. attempt)
redis.call('HINCRBY', counts, 'dialling', -1)
local status = redis.call('HGET', c, 'status')
local tried = tonumber(attempt)
if outcome == 'requeue' then
  tried = redis.call('HINCRBY', B .. ':tries:' .. id, number, -1)
  outcome = 'retry'
end
if outcome == 'retry' and status == 'stopped' then
  outcome = 'skipped'
  detail = redis.call('HGET', c, 'stopReason') == 'window-ended' and 'window-ended' or 'stopped'
end
local result = { state = outcome, attempts = tried, detail = detail, at = now }
if outcome == 'retry' then
  result.state = 'pending'
  redis.call('ZADD', B .. ':due:' .. id, retryAt, number)
  redis.call('HINCRBY', counts, 'pending', 1)
else
  redis.call('HINCRBY', counts, outcome, 1)
  if outcome == 'answered' then
    result.keys = keys
    result.listened = listened
    if listened then redis.call('HINCRBY', counts, 'listened', 1) end
    local seen = {}
    for k in string.gmatch(keys, '%d') do
      if not seen[k] then
        seen[k] = true
        redis.call('HINCRBY', counts, 'k' .. k, 1)
      end
    end
  end
end
redis.call('HSET', B .. ':result:' .. id, number, cjson.encode(result))
if status == 'running' and redis.call('ZCARD', active) == 0 and redis.call('ZCARD', B .. ':due:' .. id) == 0 then
  redis.call('HSET', c, 'status', 'done', 'endedAt', now)
  redis.call('SREM', B .. ':running', id)
elseif status == 'stopped' and redis.call('ZCARD', active) == 0 and redis.call('HGET', c, 'endedAt') == '' then
  redis.call('HSET', c, 'endedAt', now)
end
return 1
