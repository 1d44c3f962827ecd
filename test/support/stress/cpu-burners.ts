import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Busy processes that keep every core saturated, so the code under test runs
 * the way it does on a machine shared with other work: timers late, lock
 * renewals late, event loops starved. `perCore` processes per core.
 */
export interface CpuBurners {
  readonly count: number;
  stop(): Promise<void>;
}

export function startCpuBurners(perCore = 2): CpuBurners {
  const count = Math.max(1, availableParallelism() * perCore);
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    // Exits by itself if its parent dies without stopping it (the parent's pid changes to 1 or another).
    const child = spawn(process.execPath, ['-e', `const p = process.ppid; for (let n = 0; ; n++) { if (n % 1e7 === 0 && process.ppid !== p) process.exit(0); }`], { stdio: 'ignore' });
    children.push(child);
  }
  return {
    count,
    async stop() {
      await Promise.all(children.map((child) => new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      })));
    },
  };
}
