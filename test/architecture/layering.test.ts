import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layering of src/ (docs/architecture.md, "Folders and what each may import").
 * Lowest first: a folder may import its own files and the folders of any lower
 * layer, never a folder of its own layer or of a higher one. A top-level file
 * (src/errors.ts, src/main.ts) counts as a folder of its own name.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['errors'],
  ['log', 'time', 'infra', 'media'],
  ['ari'],
  ['config', 'call-control'],
  ['customers'],
  ['prompts', 'routing', 'call-records', 'auth'],
  ['routing-sync', 'flows'],
  ['acd'],
  ['outbound'],
  ['ivr'],
  ['stats'],
  ['callbacks'],
  ['care', 'transfers', 'campaigns'],
  ['recordings', 'desk', 'whatif'],
  ['api', 'retention', 'caller-time'],
  ['service'],
  ['call-tool'],
  ['cli', 'main'],
];

/**
 * The IVR is wired in by the service: no feature above it imports it (callbacks and
 * care own the interface the IVR implements for them). Only the wiring, the tools
 * and transfers (which hand a transferred caller back to their IVR session) may.
 */
const IVR = 'ivr';
const IVR_IMPORTED_BY = ['transfers', 'service', 'call-tool', 'cli', 'main'];

/**
 * The simulated Asterisk stands apart from the service: it may use the foundations
 * and the ARI wire types (src/ari/models.ts) only, and only the command-line tools
 * (the demo) start it.
 */
const SIM = 'sim';
const SIM_MAY_IMPORT_FILES = ['src/ari/models.ts'];
const SIM_IMPORTED_BY = ['cli'];

/**
 * Imports known to break the layering, each with why it is still there (an entry
 * names the importing file, so it cannot hide a new violation elsewhere). Add one
 * only with its reason, and remove it once the import is gone.
 */
const KNOWN_VIOLATIONS: readonly { from: string; to: string; why: string }[] = [
  // None today: callbacks and care no longer import the IVR, transfers left src/service,
  // and the withheld-number rule moved down to customers.
];

const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), '../..'));
const IMPORT = /(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)'/g;

interface Import {
  file: string;
  target: string;
}

function sourceFiles(): string[] {
  return readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join('src', name));
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map(([, spec]) => ({
    file,
    target: relative(ROOT, join(ROOT, dirname(file), spec!)).replace(/\.js$/, '.ts'),
  }));
}

/** src/acd/acd.ts -> acd; src/errors.ts -> errors. */
function folderOf(path: string): string {
  const [, first = ''] = path.split('/');
  return first.replace(/\.ts$/, '');
}

const RANK = new Map(LAYERS.flatMap((layer, rank) => layer.map((folder) => [folder, rank] as const)));
/** The rank of the last foundation layer (errors, log, time, infra, media). */
const FOUNDATIONS = RANK.get('media')!;

/** Why an import breaks the layering, or null when it is allowed. */
function breach({ file, target }: Import): string | null {
  const from = folderOf(file);
  const to = folderOf(target);
  if (from === to) return null;
  if (from === SIM) {
    if (SIM_MAY_IMPORT_FILES.includes(target) || (RANK.get(to) ?? Infinity) <= FOUNDATIONS) return null;
    return `the simulator may import only the foundations and ${SIM_MAY_IMPORT_FILES.join(', ')}`;
  }
  if (to === SIM) return SIM_IMPORTED_BY.includes(from) ? null : `only ${SIM_IMPORTED_BY.join(', ')} may start the simulator`;
  const fromRank = RANK.get(from);
  const toRank = RANK.get(to);
  if (fromRank === undefined) return `src/${from} has no place in the layering`;
  if (toRank === undefined) return `src/${to} has no place in the layering`;
  if (toRank === fromRank) return `${from} and ${to} are in the same layer`;
  if (toRank > fromRank) return `${to} is above ${from}`;
  if (to === IVR && !IVR_IMPORTED_BY.includes(from)) return `only ${IVR_IMPORTED_BY.join(', ')} may import the IVR`;
  return null;
}

describe('the layering of src/', () => {
  const imports = sourceFiles().flatMap(importsOf);

  it('finds the imports it checks', () => {
    expect(imports.length).toBeGreaterThan(500);
  });

  it('has no import that points up or sideways, beyond the known ones', () => {
    const known = (i: Import) => KNOWN_VIOLATIONS.some((v) => v.from === i.file && v.to === folderOf(i.target));
    const violations = imports
      .map((i) => ({ i, why: breach(i) }))
      .filter(({ i, why }) => why !== null && !known(i))
      .map(({ i, why }) => `${i.file} imports ${i.target}: ${why}`);
    expect(violations).toEqual([]);
  });

  it('tells a violation when it sees one', () => {
    expect(breach({ file: 'src/routing/x.ts', target: 'src/acd/acd.ts' })).toBe('acd is above routing');
    expect(breach({ file: 'src/callbacks/x.ts', target: 'src/ivr/call-session.ts' })).toMatch(/may import the IVR/);
    expect(breach({ file: 'src/care/x.ts', target: 'src/transfers/y.ts' })).toBe('care and transfers are in the same layer');
    expect(breach({ file: 'src/sim/x.ts', target: 'src/ari/ari-client.ts' })).toMatch(/simulator may import only/);
    expect(breach({ file: 'src/acd/x.ts', target: ['src', 'sim', 'channels.ts'].join('/') })).toMatch(/may start the simulator/);
    expect(breach({ file: 'src/ivr/x.ts', target: 'src/acd/acd.ts' })).toBeNull();
    expect(breach({ file: 'src/service/x.ts', target: 'src/ivr/call-session.ts' })).toBeNull();
    expect(breach({ file: 'src/sim/x.ts', target: 'src/ari/models.ts' })).toBeNull();
  });
});
