import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayWidth, formatFittedTable, type ListColumn } from '../../src/cli/list-output.js';

interface Row {
  readonly id: string;
  readonly text: string;
}
const COLUMNS: readonly ListColumn<Row>[] = [
  { name: 'id', text: (r) => r.id, keep: true },
  { name: 'text', text: (r) => r.text },
];

describe('tables that fit the terminal', () => {
  it('counts wide characters as two columns and combining marks as none', () => {
    assert.equal(displayWidth('abc'), 3);
    assert.equal(displayWidth('日本語'), 6);
    assert.equal(displayWidth('e\u0301'), 1);
  });

  it('truncates a long cell with an ellipsis but never an id', () => {
    const id = '01a1fcda-3b08-7000-8dfb-f44217210363.1';
    const table = formatFittedTable([{ id, text: 'x'.repeat(200) }], COLUMNS, Infinity);
    const row = table.split('\n')[1]!;
    assert.ok(row.startsWith(`${id}  `));
    assert.ok(row.endsWith('…'));
    assert.equal(displayWidth(row), id.length + 2 + 48);
  });

  it('narrows the widest columns further on a narrow terminal, and not at all with --wide', () => {
    const rows = [{ id: 'a1', text: '日本語のとても長い要求テキストです、承認してください' }];
    const narrow = formatFittedTable(rows, COLUMNS, 30);
    for (const line of narrow.split('\n')) assert.ok(displayWidth(line) <= 30, line);
    const wide = formatFittedTable(rows, COLUMNS, undefined);
    assert.match(wide, /承認してください$/m);
  });
});
