import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runIdflow, type Run } from './cli-harness.js';

/** Runs the real `idflow` in `cwd`. */
function idflow(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return runIdflow(args, { cwd, env });
}

/** A Waveset TaskDefinition; `extra` adds an activity, `padding` moves it down in the file. */
function taskDefinition(name: string, { extra = false, padding = 0 } = {}): string {
  return `<?xml version='1.0' encoding='UTF-8'?>
${'<!-- moved -->\n'.repeat(padding)}<Waveset>
  <TaskDefinition name='${name}' execMode='sync'>
    <Extension>
      <WFProcess name='${name}'>
        <Variable name='user' input='true'/>
        <Activity id='0' name='start'>
          <Transition to='${extra ? 'notify' : 'end'}'/>
        </Activity>
${
  extra
    ? `        <Activity id='1' name='notify'>
          <Action id='0'><expression><set name='done'><s>yes</s></set></expression></Action>
          <Transition to='end'/>
        </Activity>
`
    : ''
}        <Activity id='${extra ? 2 : 1}' name='end'/>
      </WFProcess>
    </Extension>
  </TaskDefinition>
</Waveset>
`;
}

const MALFORMED = `<Waveset>
  <TaskDefinition name='Broken'>
    <Extension>
  </TaskDefinition>
</Waveset>
`;

const BAD_TARGET = `<Waveset>
  <TaskDefinition name='Lost'>
    <Extension>
      <WFProcess name='Lost'>
        <Activity id='0' name='start'>
          <Transition to='nowhere'/>
        </Activity>
        <Activity id='1' name='end'/>
      </WFProcess>
    </Extension>
  </TaskDefinition>
</Waveset>
`;

/** Valid, but its start activity holds an action: a warning (DEF_START_HAS_ACTIONS), which must not stop an import. */
const WARNED = `<Waveset>
  <TaskDefinition name='Warned'>
    <Extension>
      <WFProcess name='Warned'>
        <Activity id='0' name='start'>
          <Action id='0' name='early'>
            <expression><s>x</s></expression>
          </Action>
          <Transition to='end'/>
        </Activity>
        <Activity id='1' name='end'/>
      </WFProcess>
    </Extension>
  </TaskDefinition>
</Waveset>
`;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'idflow-cli-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('idflow init', () => {
  it('creates the repository with the default workflows, and re-running it changes nothing', async () => {
    const work = join(dir, 'init');
    mkdirSync(work);
    const first = await idflow(work, ['init']);
    assert.equal(first.status, 0, first.stderr + first.stdout);
    assert.match(first.stdout, /^created repository .*idflow\.db \(sqlite\)$/m);
    assert.match(first.stdout, /applied migration 0001 object-store/);
    for (const name of ['User_Onboarding', 'User_ChangeName', 'User_ResourcesUpdate', 'User_Offboarding']) {
      assert.match(first.stdout, new RegExp(`^created\\s+Workflow\\s+${name}\\s+v1\\s+\\(`, 'm'));
    }
    assert.match(first.stdout, /^created\s+TaskDefinition\s+Update User With Approval\s+v1/m);
    assert.doesNotMatch(first.stdout, /: (error|warning) /);

    const again = await idflow(work, ['init']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /^opened existing repository/m);
    assert.match(again.stdout, /schema: up to date/);
    assert.doesNotMatch(again.stdout, /^(created|new version) /m);
    assert.match(again.stdout, / 0 created, 0 new versions, \d+ unchanged$/m);
  });

  it('reports an unreachable PostgreSQL DATABASE_URL with a coded error, no stack trace and no password, exit status 1', async () => {
    const r = await idflow(dir, ['init'], { DATABASE_URL: 'postgres://idflow:secret@127.0.0.1:1/idflow' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^idflow: error REPO_CONNECTION_FAILED: cannot connect to the PostgreSQL database postgres:\/\/idflow:\*\*\*@127\.0\.0\.1:1\/idflow/);
    assert.doesNotMatch(r.stderr, /secret|\n\s+at /);
  });
});

describe('idflow check', () => {
  it('exits 0 and says so for a valid file', async () => {
    writeFileSync(join(dir, 'good.xml'), taskDefinition('Good'));
    const r = await idflow(dir, ['check', 'good.xml']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^1 file, 1 object: 0 errors, 0 warnings$/m);
  });

  it('prints FILE:LINE:COL for each problem and exits 1', async () => {
    writeFileSync(join(dir, 'malformed.xml'), MALFORMED);
    writeFileSync(join(dir, 'lost.xml'), BAD_TARGET);
    const r = await idflow(dir, ['check', 'malformed.xml', 'lost.xml']);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^malformed\.xml:\d+:\d+: error XML_[A-Z_]+: /m);
    // The column is that of the <Transition> element: a user jumps straight to it.
    assert.match(r.stdout, /^lost\.xml:6:11: error DEF_TRANSITION_TARGET: .*nowhere/m);
    assert.match(r.stdout, /^2 files, \d+ objects?: [1-9]\d* errors?, /m);
  });

  it('prints the diagnostics as JSON with --json', async () => {
    const r = await idflow(dir, ['check', '--json', 'lost.xml']);
    assert.equal(r.status, 1);
    const out = JSON.parse(r.stdout) as { ok: boolean; diagnostics: { code: string; severity: string; location: { file: string; line: number; column: number } }[] };
    assert.equal(out.ok, false);
    assert.ok(out.diagnostics.some((d) => d.code === 'DEF_TRANSITION_TARGET' && d.location.file === 'lost.xml' && d.location.line === 6 && d.location.column === 11));
  });

  it('does not create a repository', async () => {
    const work = join(dir, 'check-only');
    mkdirSync(work);
    writeFileSync(join(work, 'good.xml'), taskDefinition('Good'));
    assert.equal((await idflow(work, ['check', 'good.xml'])).status, 0);
    const list = await idflow(work, ['list']);
    assert.equal(list.status, 1);
    assert.match(list.stderr, /REPO_NOT_FOUND/);
  });
});

describe('idflow import, list and show', () => {
  const db = () => join(dir, 'defs.db');

  it('reports created, then unchanged, then new version, and keeps a moved object unchanged', async () => {
    writeFileSync(join(dir, 'approve.xml'), taskDefinition('Approve'));
    const created = await idflow(dir, ['import', 'approve.xml', '--db', db()]);
    assert.equal(created.status, 0, created.stderr + created.stdout);
    const id1 = /^created\s+TaskDefinition\s+Approve\s+v1\s+\((.+)\)$/m.exec(created.stdout)?.[1];
    assert.ok(id1, created.stdout);

    writeFileSync(join(dir, 'approve.xml'), taskDefinition('Approve', { padding: 5 }));
    const moved = await idflow(dir, ['--db', db(), 'import', 'approve.xml']);
    assert.match(moved.stdout, new RegExp(`^unchanged\\s+TaskDefinition\\s+Approve\\s+v1\\s+\\(${id1}\\)$`, 'm'));

    writeFileSync(join(dir, 'approve.xml'), taskDefinition('Approve', { extra: true }));
    const changed = await idflow(dir, ['import', 'approve.xml'], { IDFLOW_DB: db() });
    const id2 = /^new version\s+TaskDefinition\s+Approve\s+v2\s+\((.+)\)$/m.exec(changed.stdout)?.[1];
    assert.ok(id2, changed.stdout);
    assert.notEqual(id2, id1);
    assert.match(changed.stdout, /^1 object from 1 file: 0 created, 1 new version, 0 unchanged$/m);
  });

  it('stores nothing when any file has an error', async () => {
    writeFileSync(join(dir, 'other.xml'), taskDefinition('Other'));
    const r = await idflow(dir, ['import', 'other.xml', 'lost.xml', '--db', db()]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^lost\.xml:6:\d+: error DEF_TRANSITION_TARGET/m);
    assert.match(r.stdout, /^nothing imported: /m);
    const json = await idflow(dir, ['import', 'other.xml', 'lost.xml', '--json', '--db', db()]);
    assert.equal(json.status, 1);
    assert.equal((JSON.parse(json.stdout) as { ok: boolean }).ok, false);
    const list = await idflow(dir, ['list', 'TaskDefinition', '--json', '--db', db()]);
    assert.deepEqual((JSON.parse(list.stdout) as { name: string }[]).map((o) => o.name), ['Approve']);
  });

  it('stores a file that has only warnings, printing them, and exits 0', async () => {
    const work = join(dir, 'warned');
    mkdirSync(work);
    writeFileSync(join(work, 'warned.xml'), WARNED);
    const r = await idflow(work, ['import', 'warned.xml', '--db', join(work, 'w.db')]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^warned\.xml:6:11: warning DEF_START_HAS_ACTIONS: /m);
    assert.match(r.stdout, /^created\s+TaskDefinition\s+Warned\s+v1/m);
    assert.equal((await idflow(work, ['check', 'warned.xml'])).status, 0);
  });

  it('lists the latest version of each object as JSON', async () => {
    const r = await idflow(dir, ['list', 'taskdefinition', '--json', '--db', db()]);
    assert.equal(r.status, 0, r.stderr);
    const [only] = JSON.parse(r.stdout) as { name: string; version: number; execMode: string; activities: number; sourceFile: string }[];
    assert.deepEqual(
      { name: only?.name, version: only?.version, execMode: only?.execMode, activities: only?.activities, sourceFile: only?.sourceFile },
      { name: 'Approve', version: 2, execMode: 'sync', activities: 3, sourceFile: 'approve.xml' },
    );
    const table = await idflow(dir, ['list', 'TaskDefinition', '--db', db()]);
    assert.match(table.stdout, /^NAME\s+VERSION\s+DIALECT\s+EXEC-MODE\s+ACTIVITIES\s+ID\s+CREATED\s+SOURCE$/m);
    const types = await idflow(dir, ['list', '--db', db()]);
    assert.match(types.stdout, /^TaskDefinition\s+1$/m);
    assert.match(types.stdout, /^Workflow\s+0$/m);
    const typesJson = JSON.parse((await idflow(dir, ['list', '--json', '--db', db()])).stdout) as { types: { type: string; count: number }[] };
    assert.deepEqual(typesJson.types.find((t) => t.type === 'TaskDefinition'), { type: 'TaskDefinition', count: 1 });
  });

  it('rejects an unknown type with exit status 2 and lists the types', async () => {
    const r = await idflow(dir, ['list', 'Widget', '--db', db()]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^idflow: error CLI_UNKNOWN_TYPE: unknown object type "Widget"; the types are TaskDefinition, Workflow, /);
    const json = await idflow(dir, ['show', 'Widget', 'x', '--json', '--db', db()]);
    assert.equal(json.status, 2);
    assert.equal((JSON.parse(json.stderr) as { error: { code: string } }).error.code, 'CLI_UNKNOWN_TYPE');
  });

  it('shows the stored XML, the model as JSON, an older version and a readable summary', async () => {
    const xml = await idflow(dir, ['show', 'TaskDefinition', 'Approve', '--xml', '--db', db()]);
    assert.equal(xml.status, 0, xml.stderr);
    assert.match(xml.stdout, /^<TaskDefinition name=.Approve./);
    assert.match(xml.stdout, /name=.notify./);

    const json = await idflow(dir, ['show', 'TaskDefinition', 'Approve', '--json', '--version', '1', '--db', db()]);
    const stored = JSON.parse(json.stdout) as { version: number; model: { type: string; process: { activities: unknown[] } } };
    assert.equal(stored.version, 1);
    assert.equal(stored.model.type, 'TaskDefinition');
    assert.equal(stored.model.process.activities.length, 2);

    const summary = await idflow(dir, ['show', 'TaskDefinition', 'Approve', '--db', db()]);
    assert.match(summary.stdout, /^TaskDefinition Approve {2}v2 \(latest\)$/m);
    assert.match(summary.stdout, /^ {2}parameters {2}execMode=sync /m);
    assert.match(summary.stdout, /^ {2}variables {3}user \(input\)$/m);
    assert.match(summary.stdout, /^ {4}notify$/m);
    assert.match(summary.stdout, /^ {6}→ end$/m);
  });

  it('reports a missing object or version with OBJECT_NOT_FOUND and exit status 1', async () => {
    const missing = await idflow(dir, ['show', 'TaskDefinition', 'Nope', '--db', db()]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^idflow: error OBJECT_NOT_FOUND: /);
    const version = await idflow(dir, ['show', 'TaskDefinition', 'Approve', '--version', '9', '--db', db()]);
    assert.match(version.stderr, /has no version 9; it has v1, v2/);
  });

  it('treats a wrong command line as a usage error with exit status 2', async () => {
    assert.equal((await idflow(dir, ['show', 'TaskDefinition', 'Approve', '--xml', '--json', '--db', db()])).status, 2);
    assert.equal((await idflow(dir, ['import'])).status, 2);
    assert.equal((await idflow(dir, ['frobnicate'])).status, 2);
  });
});

describe('hostile command lines', () => {
  it('refuses init --force on a file that is not a repository, and leaves the file as it was', async () => {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'keep me\n');
    const r = await idflow(dir, ['init', '--force', '--db', notes]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^idflow: error CLI_NOT_A_REPOSITORY: .*notes\.txt is not an SQLite database; nothing was deleted/);
    assert.equal(readFileSync(notes, 'utf8'), 'keep me\n');
  });

  it('refuses --var names and object keys that would reach an object prototype, before opening anything', async () => {
    const db = join(dir, 'never-created.db');
    for (const v of ['__proto__={"admin":true}', 'constructor=1', 'user={"name":"x","__proto__":{"admin":true}}', 'deep={"a":[{"prototype":1}]}']) {
      const r = await idflow(dir, ['run', 'Anything', '--var', v, '--json', '--db', db]);
      assert.equal(r.status, 2, v);
      assert.equal((JSON.parse(r.stderr) as { error: { code: string } }).error.code, 'CLI_BAD_VAR', v);
      assert.equal(r.stdout, '');
    }
    const list = await idflow(dir, ['list', '--db', db]);
    assert.match(list.stderr, /REPO_NOT_FOUND/);
  });

  it('refuses --var numbers that would lose digits and values nested too deep, saying how to pass text', async () => {
    const big = await idflow(dir, ['run', 'Anything', '--var', 'employee=12345678901234567890']);
    assert.equal(big.status, 2);
    assert.match(big.stderr, /CLI_BAD_VAR: --var employee: .*quote them as a JSON string/);
    const deep = await idflow(dir, ['run', 'Anything', '--var', `x=${'['.repeat(5000)}${']'.repeat(5000)}`]);
    assert.equal(deep.status, 2);
    assert.match(deep.stderr, /CLI_BAD_VAR: --var x: the value is nested more than 64 levels deep/);
  });

  it('refuses counts written in another notation than decimal digits', async () => {
    for (const [option, value, code] of [['--limit', '0x10', 'CLI_BAD_LIMIT'], ['--limit', '1e3', 'CLI_BAD_LIMIT'], ['--limit', '0', 'CLI_BAD_LIMIT']]) {
      const r = await idflow(dir, ['tasks', option!, value!, '--db', join(dir, 'defs.db')]);
      assert.equal(r.status, 2, `${option} ${value}`);
      assert.match(r.stderr, new RegExp(`^idflow: error ${code}: ${option} takes a positive whole number`));
    }
  });

  it('reads the XML files a directory links to', async () => {
    const linked = join(dir, 'linked');
    mkdirSync(linked);
    writeFileSync(join(dir, 'target.xml'), taskDefinition('Linked'));
    symlinkSync(join(dir, 'target.xml'), join(linked, 'onboarding.xml'));
    const r = await idflow(dir, ['check', 'linked', '--json']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { objects: { name: string }[] }).objects.map((o) => o.name), ['Linked']);
  });
});

describe('listing commands', () => {
  it('print plain JSON with --json, without colour or progress codes', async () => {
    const work = join(dir, 'listing');
    mkdirSync(work);
    assert.equal((await idflow(work, ['init'])).status, 0);
    for (const args of [['list'], ['list', 'Workflow'], ['profile', 'list'], ['profile', 'permissions', 'bob'], ['schedule', 'list'], ['tasks'], ['workitems']]) {
      const r = await idflow(work, [...args, '--json']);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stdout, /\x1b/, args.join(' '));
      assert.doesNotThrow(() => JSON.parse(r.stdout), args.join(' '));
    }
  });
});
