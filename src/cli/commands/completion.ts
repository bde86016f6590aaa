import type { Command } from 'commander';
import { action } from '../action.js';
import { oneOf } from '../option-values.js';

const SHELLS = ['bash', 'zsh'] as const;

/** Long option names of a command, as completions (`--json --db …`). */
function optionsOf(command: Command): string {
  return [...command.options.map((o) => o.long).filter((l): l is string => l !== undefined), '--help'].join(' ');
}

/**
 * The completion script, built from the program's own commands and options so that it never lags behind them:
 * the command after `idflow`, the subcommand after `task`, `workitem`, `profile`, …, and each one's options;
 * files otherwise (`check`, `import`). zsh runs the same function through bashcompinit.
 */
export function completionScript(program: Command, shell: (typeof SHELLS)[number]): string {
  const top = program.commands.filter((c) => c.name() !== 'help');
  const cases = top
    .map((c) => {
      const subs = c.commands.filter((s) => s.name() !== 'help');
      const subCases = subs.map((s) => `        ${s.name()}) opts="${optionsOf(s)}" ;;`).join('\n');
      return subs.length
        ? `    ${c.name()})
      if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W "${subs.map((s) => s.name()).join(' ')} ${optionsOf(c)}" -- "$cur")); return; fi
      case "\${COMP_WORDS[2]}" in
${subCases}
        *) opts="${optionsOf(c)}" ;;
      esac ;;`
        : `    ${c.name()}) opts="${optionsOf(c)}" ;;`;
    })
    .join('\n');
  const bash = `# idflow completion for ${shell}: eval "$(idflow completion ${shell})", or save it where your shell loads completions.
_idflow() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" opts=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${top.map((c) => c.name()).join(' ')} ${optionsOf(program)}" -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); fi
}
complete -o default -F _idflow idflow
`;
  return shell === 'zsh' ? `autoload -U +X bashcompinit && bashcompinit\n${bash}` : bash;
}

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .summary('print the shell completion script (bash or zsh)')
    .description('Prints a completion script for idflow\'s commands, subcommands and options. Load it in your shell profile.')
    .argument('<shell>', SHELLS.join(' or '))
    .addHelpText(
      'after',
      `
Examples:
  eval "$(npx idflow completion bash)"          in ~/.bashrc
  eval "$(npx idflow completion zsh)"           in ~/.zshrc
  npx idflow completion bash > /etc/bash_completion.d/idflow`,
    )
    .action(
      action(async (shell: string, _options: unknown, command: Command) => {
        const chosen = oneOf(shell, SHELLS, 'the shell', 'CLI_USAGE');
        process.stdout.write(completionScript(command.parent!, chosen));
      }),
    );
}
