/** npm run bench: every benchmark in turn, each printing its own figures. */
import { spawnSync } from 'node:child_process';

const BENCHES = ['bench/acd-bench.ts', 'bench/flow-bench.ts', 'bench/burst-bench.ts', 'bench/whatif-bench.ts'];
let failed = 0;
for (const file of BENCHES) {
  process.stdout.write(`\n=== ${file} ===\n`);
  const run = spawnSync('npx', ['tsx', file], { stdio: 'inherit' });
  if (run.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
