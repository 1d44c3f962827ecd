/**
 * npm run keys -- create --role <viewer|supervisor|admin|auditor|agent> --name <name> [--agent <agent id>] [--expires-in-days <n>]
 * npm run keys -- list [--json]
 * npm run keys -- revoke <id>
 * npm run keys -- pin <agent id>      (reads the agent's new desk PIN from standard input)
 *
 * Manages the supervisor API keys in the Redis named by the configuration
 * (REDIS_URL, REDIS_PREFIX; REDIS_SENTINELS and REDIS_MASTER_NAME behind Sentinel). A created key is printed once and never again:
 * only its hash is stored.
 */
import { parseArgs } from 'node:util';
import { createRedis } from '../infra/redis-connection.js';
import { ApiKeyStore, expiresInDaysSchema, MAX_KEY_LIFE_DAYS, type ApiKeyRecord } from '../auth/api-key-store.js';
import { ROLES, roleSchema } from '../auth/roles.js';
import { loadConfig } from '../service/config-schema.js';
import { AppError } from '../errors.js';
import { AgentPins, PIN_PATTERN, PIN_RULE } from '../auth/agent-pins.js';

const USAGE = `usage:
  npm run keys -- create --role <${ROLES.join('|')}> --name <name> [--agent <agent id>] [--expires-in-days <n>]
  npm run keys -- list [--json]
  npm run keys -- revoke <id>
  npm run keys -- pin <agent id>   (the PIN, 6 to 12 digits, on standard input: echo 260417 | npm run keys -- pin 1004)`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    if (command === undefined) throw new UsageError('no command given');
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!['create', 'list', 'revoke', 'pin'].includes(command)) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  const args = parse(rest, command);
  const config = loadConfig({ env: process.env });
  const redis = createRedis(config.redis, 'tool', { lazyConnect: true });
  // A command that needs Redis fails and says why; the connection's own retries need not be printed as well.
  redis.on('error', () => {});
  try {
    await redis.connect();
    const store = new ApiKeyStore({ redis, keyPrefix: config.redis.keyPrefix });
    if (command === 'create') {
      const { key, record } = await store.create({
        role: roleSchema.parse(args.role),
        name: args.name!,
        ...(args.agent === undefined ? {} : { agentId: args.agent }),
        ...(args.expiresInDays === undefined ? {} : { expiresInDays: args.expiresInDays }),
      });
      const expiry = record.expiresAt === null ? '' : `; it expires ${new Date(record.expiresAt).toISOString()}`;
      process.stdout.write(`created ${record.role} key ${record.id} for ${record.name}${expiry}; it is shown only this once:\n${key}\n`);
    } else if (command === 'list') {
      const keys = await store.list();
      process.stdout.write(args.json ? `${JSON.stringify(keys, null, 2)}\n` : table(keys));
    } else if (command === 'pin') {
      // The ACD's set of agent ids (docs/architecture.md, "Redis key families"): a PIN for nobody would be no use.
      const agent = (await redis.sismember(`${config.redis.keyPrefix}:{acd}:agents`, args.id!)) === 1;
      if (!agent) throw new UsageError(`no agent ${JSON.stringify(args.id)} (see GET /v1/agents)`);
      const pins = new AgentPins({ redis, keyPrefix: config.redis.keyPrefix, maxAttempts: config.desk.signIn.maxAttempts, lockMinutes: config.desk.signIn.lockMinutes });
      await pins.set(args.id!, await readPin());
      process.stdout.write(`desk PIN of agent ${args.id} set\n`);
    } else {
      const record = await store.revoke(args.id!);
      process.stdout.write(`revoked key ${record.id} (${record.name}, ${record.role})\n`);
    }
  } finally {
    redis.disconnect();
  }
}

function parse(rest: string[], command: string): { role?: string; name?: string; agent?: string; expiresInDays?: number; json?: boolean; id?: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: command === 'revoke' || command === 'pin',
      options: command === 'create'
        ? { role: { type: 'string' }, name: { type: 'string' }, agent: { type: 'string' }, 'expires-in-days': { type: 'string' } }
        : command === 'list' ? { json: { type: 'boolean' } } : {},
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed as { values: Record<string, string | boolean | undefined>; positionals: string[] };
  if (command === 'create') {
    if (typeof values.role !== 'string') throw new UsageError('create needs --role');
    if (!roleSchema.safeParse(values.role).success) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, not ${JSON.stringify(values.role)}`);
    if (typeof values.name !== 'string' || values.name.trim() === '') throw new UsageError('create needs --name');
    if ((values.role === 'agent') !== (typeof values.agent === 'string')) throw new UsageError('an agent key needs --agent <agent id>, and only an agent key takes one');
    const agent = typeof values.agent === 'string' ? { agent: values.agent } : {};
    const days = values['expires-in-days'];
    if (days === undefined) return { role: values.role, name: values.name, ...agent };
    if (typeof days !== 'string' || !/^\d{1,5}$/.test(days) || !expiresInDaysSchema.safeParse(Number(days)).success) {
      throw new UsageError(`--expires-in-days must be a whole number of days from 1 to ${MAX_KEY_LIFE_DAYS}, not ${JSON.stringify(days)}`);
    }
    return { role: values.role, name: values.name, ...agent, expiresInDays: Number(days) };
  }
  if (command === 'revoke') {
    if (positionals.length !== 1) throw new UsageError('revoke needs exactly one key id (see npm run keys -- list)');
    return { id: positionals[0]! };
  }
  if (command === 'pin') {
    if (positionals.length !== 1) throw new UsageError('pin needs exactly one agent id');
    return { id: positionals[0]! };
  }
  return { json: values.json === true };
}

/** The PIN from standard input (never from the command line, which other users of the machine can read). */
async function readPin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const pin = text.trim();
  if (!PIN_PATTERN.test(pin)) throw new UsageError(`the PIN on standard input ${PIN_RULE}`);
  return pin;
}

function table(keys: ApiKeyRecord[]): string {
  if (keys.length === 0) return 'no API keys\n';
  const time = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());
  const rows = [['id', 'role', 'name', 'created', 'last used', 'expires', 'revoked'], ...keys.map((k) => [k.id, k.role, k.name, time(k.createdAt), time(k.lastUsedAt), time(k.expiresAt), time(k.revokedAt)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof UsageError) {
    process.stderr.write(`${err.message}\n${USAGE}\n`);
    process.exit(64);
  }
  process.stderr.write(`keys: ${err instanceof AppError ? err.message : (err as Error).message}\n`);
  process.exit(1);
});
