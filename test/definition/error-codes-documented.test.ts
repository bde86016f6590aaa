import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { documentedCodes, isErrorCodeLiteral, listErrorCodes, stringLiterals } from '../../scripts/list-error-codes.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the error-code table in docs/errors.md', () => {
  it('documents every code used in src/', () => {
    const used = listErrorCodes(join(ROOT, 'src'), ROOT);
    const documented = documentedCodes(readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8'));
    const missing = [...used.entries()].filter(([code]) => !documented.has(code)).map(([code, files]) => `${code} (${files.join(', ')})`);
    assert.deepEqual(missing, [], `add these codes to docs/errors.md:\n  ${missing.join('\n  ')}`);
  });

  it('finds the codes of the XML reader, the dialect loaders and the validation rules', () => {
    const used = listErrorCodes(join(ROOT, 'src'), ROOT);
    for (const code of ['XML_MALFORMED', 'XML_EXTERNAL_ENTITY', 'DEF_UNKNOWN_ROOT', 'DEF_TRANSITION_TARGET', 'DEF_UNREACHABLE']) {
      assert.ok(used.has(code), `${code} not found`);
    }
  });
});

describe('scanning sources for codes', () => {
  it('reads string literals and skips comments, regular expressions and template substitutions', () => {
    const source = [
      "// 'IN_LINE_COMMENT'",
      "/* 'IN_BLOCK_COMMENT' */",
      "const url = 'http://example.com'; // 'AFTER_URL'",
      "const re = /['\"]/; const a = 'AFTER_REGEX';",
      "const t = `x ${'INSIDE_SUBSTITUTION'} y`;",
      "fail(\"DOUBLE_QUOTED\", 'it\\'s');",
    ].join('\n');
    assert.deepEqual(stringLiterals(source), ['http://example.com', 'AFTER_REGEX', 'x  y', 'DOUBLE_QUOTED', "it's"]);
  });

  it('counts SCREAMING_SNAKE literals as codes, except environment variables, Waveset built-in variables and SQLite result codes', () => {
    assert.equal(isErrorCodeLiteral('TASK_NOT_FOUND'), true);
    assert.equal(isErrorCodeLiteral('DATABASE_URL'), false);
    assert.equal(isErrorCodeLiteral('WF_ACTION_ERROR'), false);
    assert.equal(isErrorCodeLiteral('SQLITE_CONSTRAINT_UNIQUE'), false);
    assert.equal(isErrorCodeLiteral('Workflow_User'), false);
    assert.equal(isErrorCodeLiteral('URL'), false);
  });

  it('reads the codes of the table rows', () => {
    const md = '| Code | Kind |\n|---|---|\n| `XML_EMPTY` | error |\nText `NOT_A_ROW` here.\n';
    assert.deepEqual([...documentedCodes(md)], ['XML_EMPTY']);
  });
});
