/**
 * The simulated Asterisk in a process of its own for the burst benchmark, as
 * a real switch would run beside the service (on a 2-core machine the service
 * and the switch then each get a core). Options come as JSON in argv[2];
 * prints `listening <url>` once ready and stops on SIGTERM.
 */
import { startSimulatedAsterisk, type SimOptions } from '../../src/sim/simulated-asterisk.js';

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as SimOptions;
  const sim = await startSimulatedAsterisk({ ...options, port: 0 });
  process.stdout.write(`listening ${sim.url}\n`);
  const stop = () => {
    sim.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`simulated asterisk failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
