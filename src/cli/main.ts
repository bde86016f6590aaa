/**
 * The `idflow` command line. bin/idflow.js loads this file; so does `npm start -- …` and
 * `node --import tsx src/cli/main.ts …`.
 */
import { reportError } from './output.js';
import { createProgram } from './program.js';

// `idflow list … | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const program = createProgram();
try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err, process.argv.includes('--json'));
}
