// The test reporter scripts/test.sh uses: one line per test file (passed, failed, seconds), every failure in full
// (its test path, error and stack, and the file's own output), and node's closing summary lines
// (`ℹ tests N`, `ℹ pass N`, `ℹ fail N`, …) last, where CI reads them. Plain JavaScript so that it loads without tsx.
import { relative } from 'node:path';
import { inspect } from 'node:util';

const cwd = process.cwd();
const name = (file) => (file ? relative(cwd, file) : '(no file)');

/** Per-file state: counts, the failures and the file's own stdout/stderr (shown only when something failed). */
function fileState() {
  return { pass: 0, fail: 0, skip: 0, failures: [], output: [], stack: [] };
}

function formatError(error) {
  if (!error) return '(no error given)';
  if (!(error instanceof Error) && typeof error.message === 'string' && !error.stack) return error.message;
  // node wraps the test's error as cause of an ERR_TEST_FAILURE; show the test's own error and its stack.
  const inner = error.code === 'ERR_TEST_FAILURE' && error.cause ? error.cause : error;
  if (inner instanceof Error || (inner && typeof inner === 'object' && 'stack' in inner)) {
    return inspect(inner, { depth: 6, colors: false });
  }
  return String(inner);
}

const indent = (text, pad) => text.split('\n').map((l) => (l ? pad + l : l)).join('\n');

export default async function* reporter(source) {
  const files = new Map();
  const state = (file) => {
    const key = file ?? '';
    if (!files.has(key)) files.set(key, fileState());
    return files.get(key);
  };
  let summary = [];
  let failedFiles = 0;
  for await (const event of source) {
    const data = event.data ?? {};
    switch (event.type) {
      case 'test:start': {
        const s = state(data.file);
        if (data.name !== data.file) s.stack[data.nesting] = data.name;
        break;
      }
      case 'test:pass':
      case 'test:fail': {
        // The file's own pass/fail comes after its test:complete, which reports it (below).
        if (data.name === data.file) break;
        const s = state(data.file);
        const details = data.details ?? {};
        if (details.type === 'suite') {
          // A suite fails when a child did (already reported) or when its own hook did (reported here).
          const err = details.error;
          if (event.type === 'test:fail' && err && err.failureType !== 'subtestsFailed') {
            s.fail++;
            s.failures.push({ path: [...s.stack.slice(0, data.nesting), data.name].join(' › '), error: err });
          }
          break;
        }
        if (data.skip || data.todo) s.skip++;
        else if (event.type === 'test:pass') s.pass++;
        else {
          s.fail++;
          s.failures.push({ path: [...s.stack.slice(0, data.nesting), data.name].join(' › '), error: details.error });
        }
        break;
      }
      case 'test:stdout':
      case 'test:stderr':
        if (data.file) state(data.file).output.push(data.message);
        break;
      case 'test:complete':
        if (data.name === data.file && data.nesting === 0) {
          const s = state(data.file);
          if (data.details?.passed === false && s.fail === 0) {
            // The file failed without a failing test: a crash, a syntax error, a non-zero exit (its output shows why).
            const err = data.details.error;
            s.fail++;
            s.failures.push({ path: '(the test file itself)', error: { message: `${err?.cause ?? 'failed'} (exit code ${err?.exitCode ?? '?'}${err?.signal ? `, signal ${err.signal}` : ''})` } });
          }
          const seconds = ((data.details?.duration_ms ?? 0) / 1000).toFixed(1);
          const skipped = s.skip ? `, ${s.skip} skipped` : '';
          if (s.fail === 0) {
            yield `✔ ${name(data.file)}  ${s.pass} passed${skipped}  (${seconds} s)\n`;
          } else {
            failedFiles++;
            let out = `✖ ${name(data.file)}  ${s.pass} passed, ${s.fail} failed${skipped}  (${seconds} s)\n`;
            for (const f of s.failures) out += `  ✖ ${f.path}\n${indent(formatError(f.error), '      ')}\n`;
            const output = s.output.join('');
            if (output.trim()) {
              const lines = output.trimEnd().split('\n');
              const shown = lines.slice(-200);
              out += `  output of ${name(data.file)}${lines.length > shown.length ? ` (last ${shown.length} of ${lines.length} lines)` : ''}:\n${indent(shown.join('\n'), '    ')}\n`;
            }
            yield out;
          }
          files.delete(data.file);
        }
        break;
      case 'test:diagnostic':
        // The run's closing counts arrive as top-level diagnostics without a file.
        if (!data.file) summary.push(data.message);
        else state(data.file).output.push(`# ${data.message}\n`);
        break;
      default:
        break;
    }
  }
  if (failedFiles) yield `\n${failedFiles} file(s) with failures (shown above)\n`;
  yield `${summary.map((m) => `ℹ ${m}`).join('\n')}\n`;
}
