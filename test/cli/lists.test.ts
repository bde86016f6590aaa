/**
 * Lists as people page through them: `idflow workitems` and `idflow tasks` newest first, in pages with a cursor,
 * sorted, within dates, as table, JSON, JSON lines or CSV, with chosen fields. Five approvals are launched a day
 * apart on the engine's clock (in-process), then the real command reads the file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openRuntimeWorld, type RuntimeWorld } from '../engine/runtime-harness.js';
import { runIdflow, type Run } from './cli-harness.js';

const DAY = 86_400_000;

describe('idflow lists', () => {
  let world: RuntimeWorld;
  let db: string;
  /** Task ids, oldest first (2030-01-01 … 2030-01-05). */
  const tasks: string[] = [];
  const idflow = (...args: string[]): Promise<Run> => runIdflow(['--db', db, ...args]);

  before(async () => {
    world = await openRuntimeWorld();
    // The CLI reads the world's SQLite file beside the open engine, as a second process would.
    db = world.repository.location;
    for (let i = 0; i < 5; i++) {
      const r = await world.engine.launch({ definition: 'Approval', launcher: 'bob', mode: 'sync', variables: { approver: i === 2 ? 'Zoë 日本語 request' : 'carol' } });
      tasks.push(r.instance.id);
      world.advance(DAY);
    }
  });
  after(() => world.close());

  const ids = (r: Run) => r.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0]!);

  it('lists task instances newest first and shows each full UUID once per row', async () => {
    const r = await idflow('tasks');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(ids(r), [...tasks].reverse());
    for (const line of r.stdout.trim().split('\n').slice(1)) {
      const uuids = line.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [];
      assert.equal(uuids.length, 1, line);
    }
  });

  it('pages with --limit and goes on with the cursor a full page prints, without repeating or skipping a row', async () => {
    const first = await idflow('tasks', '--limit', '2');
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(ids(first), [tasks[4], tasks[3]]);
    const cursor = /--after (\S+)/.exec(first.stderr)?.[1];
    assert.ok(cursor, first.stderr);
    const second = await idflow('tasks', '--limit', '2', '--after', cursor!);
    assert.deepEqual(ids(second), [tasks[2], tasks[1]]);
    const third = await idflow('tasks', '--limit', '2', '--after', /--after (\S+)/.exec(second.stderr)![1]!);
    assert.deepEqual(ids(third), [tasks[0]]);
    assert.doesNotMatch(third.stderr, /--after/, 'the last page prints no cursor');
  });

  it('sorts oldest first with --sort oldest and keeps to the dates of --since and --until', async () => {
    const r = await idflow('tasks', '--sort', 'oldest', '--since', '2030-01-02', '--until', '2030-01-04 00:00 UTC', '--output', 'jsonl', '--fields', 'id,created');
    assert.equal(r.status, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; created: string });
    assert.deepEqual(rows, [
      { id: tasks[1], created: '2030-01-02T00:00:00.000Z' },
      { id: tasks[2], created: '2030-01-03T00:00:00.000Z' },
    ]);
  });

  it('refuses a date that does not exist instead of rolling it over into the next month', async () => {
    const r = await idflow('workitems', '--since', '2030-02-30');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /CLI_BAD_DATE: --since takes a date .*"2030-02-30"/);
  });

  it('writes the inbox as CSV with the chosen fields, quoting what needs it', async () => {
    const r = await idflow('workitems', '--owner', 'carol', '--output', 'csv', '--fields', 'owner,request,due');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'owner,request,due');
    assert.equal(lines.length, 5);
    assert.match(lines[1]!, /^carol,"Please approve, carol",$/);
  });

  it('refuses an unknown field and an --output that contradicts --json, naming what is allowed', async () => {
    const fields = await idflow('workitems', '--fields', 'id,colour');
    assert.equal(fields.status, 2);
    assert.match(fields.stderr, /CLI_BAD_FIELDS: .*id, owner.*"colour"/);
    const both = await idflow('workitems', '--json', '--output', 'csv');
    assert.equal(both.status, 2);
    assert.match(both.stderr, /CLI_CONFLICTING_OPTIONS/);
  });

  it('truncates long cells to fit, aligns wide characters, and shows them whole with --wide', async () => {
    const r = await idflow('workitems', '--fields', 'owner,request,state');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    // "Zoë 日本語 request" takes 18 terminal columns (each CJK character two): every STATE cell starts at one column.
    const column = (line: string) => {
      let width = 0;
      for (const ch of line.slice(0, line.lastIndexOf('open'))) width += /[\u3040-\u9fff]/.test(ch) ? 2 : 1;
      return width;
    };
    const starts = new Set(lines.slice(1).map(column));
    assert.equal(starts.size, 1, lines.join('\n'));
    const long = await idflow('workitems', '--fields', 'id,request', '--wide');
    assert.match(long.stdout, /Please approve, Zoë 日本語 request/);
  });
});
