import { luaScripts } from '../infra/lua-scripts.js';

/**
 * The script of lua/commit.lua: compare-and-set of the routing in force, in one atomic step:
 *
 *   KEYS: version, current, history, audit
 *   ARGV: expected version, new version, entry JSON ({at, snapshot}),
 *         audit record JSON ('' for none), channel, history size, audit size
 *
 * Refuses ({0, version in force}) unless the version in force is the one the
 * change was made to. Otherwise stores the new version and its history entry,
 * appends the audit record and publishes the entry to every instance
 * ({1, new version, audit id}). Two instances changing the routing at once
 * therefore never fork it: one wins, the other is told.
 */
export function commitScript(): string {
  return (script ??= readLua('commit.lua'));
}

const readLua = luaScripts('routing-sync/lua');
// Read on the first commit, then kept: later commits read no file.
let script: string | undefined;
