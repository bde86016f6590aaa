import type { Command } from 'commander';
import { action } from '../action.js';
import { openExistingCliRepository } from '../cli-repository.js';
import { countDiagnostics, loadForRepository, plural, printDiagnostics } from '../definitions.js';
import { expandFiles } from '../expand-files.js';
import { ExitStatus, printJson, println } from '../output.js';

interface CheckOptions {
  readonly json?: boolean;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .summary('validate definition files without storing them')
    .description(
      'Reads and validates Waveset and Netwrix definition files together, so references between them resolve; ' +
        'subprocesses stored in an existing repository resolve too (check never creates one). Prints every problem ' +
        'as FILE:LINE:COL: error|warning CODE: message. Exit status 1 when there is an error, 0 otherwise.',
    )
    .argument('<files...>', 'XML files, or directories whose .xml files are read')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  idflow check config/default/
  idflow check examples/waveset/grant-role.xml examples/broken/lost.xml --json`,
    )
    .action(
      action(async (paths: string[], options: CheckOptions, command: Command) => {
        const files = await expandFiles(paths);
        const repo = await openExistingCliRepository(command);
        let result;
        try {
          result = await loadForRepository(files, repo);
        } finally {
          await repo?.close();
        }
        if (options.json) {
          printJson({
            ok: result.ok,
            files,
            objects: result.objects.map((o) => ({ type: o.object.type, name: o.object.name, file: o.file, line: o.object.location.line })),
            diagnostics: result.diagnostics,
          });
        } else {
          printDiagnostics(result.diagnostics);
          println(`${plural(files.length, 'file')}, ${plural(result.objects.length, 'object')}: ${countDiagnostics(result.diagnostics)}`);
        }
        return result.ok ? ExitStatus.ok : ExitStatus.failed;
      }),
    );
}
