import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Reads the Lua scripts a Redis store keeps in its own folder (e.g.
 * `acd/lua`, relative to `src/`). The build copies those folders next to the
 * compiled modules; a build run from `dist` without them reads them from
 * `src` instead.
 */
export function luaScripts(folder: string): (file: string) => string {
  let dir: string | null = null;
  return (file) => {
    if (!dir) {
      const candidates = [new URL(`../${folder}/`, import.meta.url), new URL(`../../../src/${folder}/`, import.meta.url)].map((u) => fileURLToPath(u));
      dir = candidates.find((d) => existsSync(`${d}${file}`)) ?? null;
      if (!dir) throw new Error(`Lua script ${file} not found in ${candidates.join(' or ')}`);
    }
    return readFileSync(`${dir}${file}`, 'utf8');
  };
}
