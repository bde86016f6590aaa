import type { Command } from 'commander';
import { reportError } from './output.js';

/**
 * Wraps a command's action so that any error is reported (on stderr, as JSON with `--json`) and sets the exit
 * status, and so that the action may return the status itself. Commander passes the Command last.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const command = args.at(-1) as Command;
    try {
      const status = await fn(...args);
      if (typeof status === 'number' && status !== 0) process.exitCode = status;
    } catch (err) {
      const json = Boolean((command.optsWithGlobals() as { json?: boolean }).json);
      process.exitCode = reportError(err, json);
    }
  };
}
