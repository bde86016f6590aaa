/**
 * The list options on the lists that `tasks` and `workitems` did not cover: `idflow list TYPE`, `schedule list` and
 * `profile list` page newest first with a cursor, sort, keep to a date range, print table, JSON, JSON lines or CSV
 * with chosen fields, and truncate long cells unless `--wide`. Each row is made by its own command (its own
 * process), so their times differ and their order is known; the date ranges are taken from the times printed.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempRepository, type Run } from './cli-harness.js';

/** The TaskDefinitions and type counts `init` imported (config/default/), newest first: read, not assumed, so the
 * defaults can grow without this test changing. */
let defaults: string[] = [];
let defaultCounts: Record<string, number> = {};
const cursorOf = (r: Run): string | undefined => /--after (\S+)/.exec(r.stderr)?.[1];
const jsonl = <T>(r: Run): T[] => r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
const firstColumn = (r: Run): string[] => r.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s{2,}/)[0]!);

function definition(name: string): string {
  return `<?xml version='1.0' encoding='UTF-8'?>
<Waveset>
  <TaskDefinition name='${name}' execMode='sync'>
    <Extension>
      <WFProcess name='${name}'>
        <Activity id='0' name='start'><Transition to='end'/></Activity>
        <Activity id='1' name='end'/>
      </WFProcess>
    </Extension>
  </TaskDefinition>
</Waveset>
`;
}

function schedule(name: string, start: string): string {
  return `<?xml version='1.0' encoding='UTF-8'?>
<TaskSchedule name='${name}' definition='Alpha' start='${start}' repeatCount='10' repeatUnit='day'/>
`;
}

describe('idflow list TYPE with the list options', () => {
  const repo = tempRepository({ prefix: 'idflow-every-list-', seed: ['init'] });
  const names = ['Alpha', 'Bravo', 'Charlie'];
  // A long file name: its SOURCE cell is cut in a table and whole with --wide.
  const long = 'a-definition-file-with-a-name-much-longer-than-a-table-cell-allows.xml';

  it('lists the objects of a type newest first, in pages that a cursor continues', async () => {
    defaults = firstColumn(await repo.idflow('list', 'TaskDefinition'));
    assert.ok(defaults.length > 0, 'init imports default TaskDefinitions');
    defaultCounts = Object.fromEntries((JSON.parse((await repo.idflow('list', '--json')).stdout) as { types: { type: string; count: number }[] }).types.map((t) => [t.type, t.count]));
    for (const [i, name] of names.entries()) {
      const file = join(repo.dir, i === 2 ? long : `${name}.xml`);
      writeFileSync(file, definition(name));
      const r = await repo.idflow('import', file);
      assert.equal(r.status, 0, r.stderr);
    }
    const all = await repo.idflow('list', 'TaskDefinition');
    assert.equal(all.status, 0, all.stderr);
    // The default repository's own TaskDefinitions were imported first, by `init`.
    assert.deepEqual(firstColumn(all), ['Charlie', 'Bravo', 'Alpha', ...defaults]);

    const first = await repo.idflow('list', 'TaskDefinition', '--limit', '2');
    assert.deepEqual(firstColumn(first), ['Charlie', 'Bravo']);
    const second = await repo.idflow('list', 'TaskDefinition', '--limit', '2', '--after', cursorOf(first)!);
    assert.deepEqual(firstColumn(second), ['Alpha', defaults[0]]);
    // The pages that follow hold the rest, and the last one prints no cursor.
    const seen = [...firstColumn(first), ...firstColumn(second)];
    let page = second;
    for (let n = 0; cursorOf(page) !== undefined; n++) {
      assert.ok(n < defaults.length, 'the pages end');
      page = await repo.idflow('list', 'TaskDefinition', '--limit', '2', '--after', cursorOf(page)!);
      seen.push(...firstColumn(page));
    }
    assert.deepEqual(seen, firstColumn(all));
  });

  it('sorts oldest first, keeps to --since and --until, and writes the chosen fields as CSV or JSON lines', async () => {
    const rows = jsonl<{ name: string; created: string }>(await repo.idflow('list', 'taskdefinition', '--output', 'jsonl', '--fields', 'name,created'));
    assert.deepEqual(rows.map((r) => r.name), ['Charlie', 'Bravo', 'Alpha', ...defaults]);
    const bravo = rows[1]!.created;
    const since = await repo.idflow('list', 'TaskDefinition', '--sort', 'oldest', '--since', bravo, '--fields', 'name,version', '--output', 'csv');
    assert.equal(since.status, 0, since.stderr);
    assert.equal(since.stdout, 'name,version\nBravo,1\nCharlie,1\n');
    const until = await repo.idflow('list', 'TaskDefinition', '--until', bravo, '--fields', 'name', '--output', 'csv');
    assert.equal(until.stdout, `name\nAlpha\n${defaults.map((d) => `${d}\n`).join('')}`);
  });

  it('cuts a long cell to fit a table and shows it whole with --wide', async () => {
    const cut = await repo.idflow('list', 'TaskDefinition', '--fields', 'name,source');
    const cell = /^Charlie\s+(\S+)$/m.exec(cut.stdout)?.[1];
    assert.ok(cell?.endsWith('…') && cell.length === 48, cut.stdout);
    assert.ok(!cut.stdout.includes(long));
    const wide = await repo.idflow('list', 'TaskDefinition', '--fields', 'name,source', '--wide');
    assert.ok(wide.stdout.includes(long), wide.stdout);
  });

  it("refuses a field the type does not have, naming the type's fields", async () => {
    const r = await repo.idflow('list', 'Rule', '--fields', 'entity');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /CLI_BAD_FIELDS: --fields takes names among name, version, dialect, arguments, id, created, source; not "entity"/);
  });

  it('prints the type counts in every format, and refuses paging them without a type', async () => {
    const csv = await repo.idflow('list', '--output', 'csv');
    assert.equal(csv.status, 0, csv.stderr);
    const taskDefinitions = (defaultCounts['TaskDefinition'] ?? 0) + 3;
    assert.match(csv.stdout, new RegExp(`^type,count\nTaskDefinition,${taskDefinitions}\nWorkflow,${defaultCounts['Workflow'] ?? 0}\n`));
    const json = JSON.parse((await repo.idflow('list', '--json')).stdout) as { types: { type: string; count: number }[] };
    assert.deepEqual(json.types[0], { type: 'TaskDefinition', count: taskDefinitions });
    const paged = await repo.idflow('list', '--limit', '3');
    assert.equal(paged.status, 2);
    assert.match(paged.stderr, /CLI_OPTION_NEEDS_TYPE: --limit applies to the objects of one type/);
  });
});

describe('idflow schedule list with the list options', () => {
  const repo = tempRepository({ prefix: 'idflow-every-list-schedules-', seed: ['init'] });

  it('lists schedules newest first with their next runs, in pages, as JSON lines with chosen fields', async () => {
    const alpha = join(repo.dir, 'alpha.xml');
    writeFileSync(alpha, definition('Alpha'));
    assert.equal((await repo.idflow('import', alpha)).status, 0);
    for (const [name, start] of [
      ['Early', '2040-01-01T02:00:00Z'],
      ['Late', '2040-06-01T03:00:00Z'],
    ] as const) {
      const file = join(repo.dir, `${name}.xml`);
      writeFileSync(file, schedule(name, start));
      const r = await repo.idflow('import', file);
      assert.equal(r.status, 0, r.stderr);
    }
    const table = await repo.idflow('schedule', 'list');
    assert.equal(table.status, 0, table.stderr);
    assert.deepEqual(firstColumn(table), ['Late', 'Early']);
    assert.match(table.stdout, /^Early\s+Alpha\s+2040-01-01T02:00:00\.000Z, 2040-01-02T02:00:00\.000Z, 2040-01-03T02:00:00\.000Z\s+every 86400 s\s+0\s+no$/m);

    const page = await repo.idflow('schedule', 'list', '--limit', '1', '--fields', 'name,next-run,runs', '--output', 'jsonl');
    assert.deepEqual(jsonl(page), [{ name: 'Late', 'next-run': '2040-06-01T03:00:00.000Z', runs: 0 }]);
    const next = await repo.idflow('schedule', 'list', '--limit', '1', '--fields', 'name,next-run,runs', '--output', 'jsonl', '--after', cursorOf(page)!);
    assert.deepEqual(jsonl(next), [{ name: 'Early', 'next-run': '2040-01-01T02:00:00.000Z', runs: 0 }]);
    assert.equal(cursorOf(next), undefined);
  });

  it('keeps to the import dates of --since and --until, sorts oldest first, and keeps the JSON shape of --json', async () => {
    const created = jsonl<{ name: string; created: string }>(await repo.idflow('schedule', 'list', '--fields', 'name,created', '--output', 'jsonl'));
    const late = created.find((c) => c.name === 'Late')!.created;
    const since = await repo.idflow('schedule', 'list', '--since', late, '--fields', 'name', '--output', 'csv');
    assert.equal(since.stdout, 'name\nLate\n');
    const until = await repo.idflow('schedule', 'list', '--until', late, '--fields', 'name', '--output', 'csv');
    assert.equal(until.stdout, 'name\nEarly\n');
    const oldest = await repo.idflow('schedule', 'list', '--sort', 'oldest', '--json');
    const rows = JSON.parse(oldest.stdout) as { name: string; nextRuns: string[]; runCount: number; createdAt: string }[];
    assert.deepEqual(rows.map((r) => [r.name, r.nextRuns.length, r.runCount]), [
      ['Early', 3, 0],
      ['Late', 3, 0],
    ]);
  });
});

describe('idflow profile list with the list options', () => {
  const repo = tempRepository({ prefix: 'idflow-every-list-profiles-', user: 'admin', seed: ['init'] });

  it('lists assignments newest first, in pages a cursor continues, and keeps to the dates of --since and --until', async () => {
    for (const [person, profile] of [
      ['ann', 'HR'],
      ['bob', 'Manager'],
      ['carol', 'Administrator'],
    ]) {
      const r = await repo.idflow('profile', 'assign', person!, profile!);
      assert.equal(r.status, 0, r.stderr);
    }
    const table = await repo.idflow('profile', 'list');
    assert.equal(table.status, 0, table.stderr);
    assert.deepEqual(firstColumn(table), ['carol', 'bob', 'ann']);

    const first = await repo.idflow('profile', 'list', '--limit', '2', '--fields', 'person');
    assert.deepEqual(firstColumn(first), ['carol', 'bob']);
    const rest = await repo.idflow('profile', 'list', '--limit', '2', '--fields', 'person', '--after', cursorOf(first)!);
    assert.deepEqual(firstColumn(rest), ['ann']);

    const rows = jsonl<{ person: string; assigned: string }>(await repo.idflow('profile', 'list', '--output', 'jsonl', '--fields', 'person,assigned'));
    const bob = rows.find((r) => r.person === 'bob')!.assigned;
    const since = await repo.idflow('profile', 'list', '--since', bob, '--sort', 'oldest', '--output', 'csv', '--fields', 'person,profile,assigned-by');
    assert.equal(since.stdout, 'person,profile,assigned-by\nbob,Manager,admin\ncarol,Administrator,admin\n');
    const until = await repo.idflow('profile', 'list', '--until', bob, '--output', 'csv', '--fields', 'person');
    assert.equal(until.stdout, 'person\nann\n');
  });

  it('keeps the JSON of --json and pages one person with --person', async () => {
    const rows = await repo.json<{ person: string; profile: string; assignedBy: string; known: boolean }[]>('profile', 'list', '--person', 'bob');
    assert.deepEqual(rows.map(({ person, profile, assignedBy, known }) => ({ person, profile, assignedBy, known })), [
      { person: 'bob', profile: 'Manager', assignedBy: 'admin', known: true },
    ]);
  });
});
