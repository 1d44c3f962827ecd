import { type ParseArgsConfig, parseArgs } from 'node:util';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** A mistake on the command line: reported with the usage, without a stack trace. */
export class UsageError extends Error {}

/** The named options of a command that takes no positional arguments; a mistake is a UsageError. */
export function parseOptions<const T extends OptionsConfig>(options: T) {
  try {
    return parseArgs({ options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
