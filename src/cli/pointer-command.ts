import type { Command } from 'commander';
import { action } from './action.js';
import { UsageError } from './usage-error.js';

/**
 * A hidden subcommand that people type by analogy (`idflow workitem list`, `idflow task list`) and that exists under
 * another name: it runs nothing and says which command to use, with the options given (`CLI_USAGE`, exit 2).
 */
export function addPointerCommand(parent: Command, name: string, target: string, what: string): void {
  parent
    .command(name, { hidden: true })
    .allowUnknownOption()
    .allowExcessArguments()
    .action(
      action(async (...args: unknown[]) => {
        const command = args.at(-1) as Command;
        const rest = command.args.length > 0 ? ` ${command.args.join(' ')}` : '';
        throw new UsageError('CLI_USAGE', `there is no \`idflow ${parent.name()} ${name}\`: ${what} is \`idflow ${target}${rest}\``, { use: target });
      }),
    );
}
