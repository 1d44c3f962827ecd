-- Claims a dial before the customer is dialled: once per try, for the run
-- holding the try's lease (see TryLeases), and never for a number that went
-- on the do-not-call list since the dial was started.
-- KEYS[1]: the campaigns base. ARGV: campaign id, number, attempt, claim ttl (s), lease key, owner token.
local B, id, number, attempt = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
if redis.call('GET', ARGV[5]) ~= ARGV[6] then return 'lease-lost' end
if not redis.call('ZSCORE', B .. ':active:' .. id, number) or redis.call('HGET', B .. ':tries:' .. id, number) ~= attempt then
  return 'not-dialling'
end
if not redis.call('SET', B .. ':claim:' .. id .. ':' .. number .. ':' .. attempt, '1', 'NX', 'EX', ARGV[4]) then return 'claimed-before' end
if redis.call('HEXISTS', B .. ':dnc', number) == 1 then return 'do-not-call' end
return 'claimed'
