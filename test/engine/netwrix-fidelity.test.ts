/**
 * Real Netwrix files, each with a small fixture of its own: C# aspects, the expression attributes, workflows over
 * entity types other than User, and notifications to a profile. Loaded as `idflow import` loads them and run by the
 * interpreter (and, for who is notified, the ACL resolver on a real SQLite repository).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DiagnosticBag, formatDiagnostic } from '../../src/definition/diagnostic.js';
import { loadDefinitionFiles } from '../../src/definition/load.js';
import type { AspectObject, DefinitionObject, WorkflowObject } from '../../src/definition/model/objects.js';
import { linkNetwrixSet, loadNetwrixDocument } from '../../src/definition/netwrix/netwrix-loader.js';
import { readXml } from '../../src/definition/xml/xml-reader.js';
import { createAclPermissionResolver } from '../../src/engine/acl-permission-resolver.js';
import type { Effect } from '../../src/engine/interpreter/interpreter-types.js';
import { hasErrorCode } from '../../src/errors.js';
import type { XValue } from '../../src/expression/env.js';
import { openRepository } from '../../src/repository/open-repository.js';
import { Harness, T0 } from './interpreter-harness.js';

const FIXTURES = new URL('../fixtures/netwrix/', import.meta.url);

function load(name: string): { objects: DefinitionObject[]; diags: DiagnosticBag } {
  const diags = new DiagnosticBag();
  const file = `test/fixtures/netwrix/${name}`;
  const root = readXml(readFileSync(new URL(name, FIXTURES), 'utf8'), file, diags);
  assert.ok(root);
  const objects = loadNetwrixDocument(root, { file, diags });
  linkNetwrixSet(objects, diags);
  return { objects, diags };
}

const workflow = (objects: readonly DefinitionObject[], name: string): WorkflowObject => {
  const o = objects.find((x): x is WorkflowObject => x.type === 'Workflow' && x.name === name);
  assert.ok(o, `workflow ${name} is loaded`);
  return o;
};
const persisted = (effects: readonly Effect[]): Record<string, XValue>[] =>
  effects.filter((e) => e.kind === 'audit' && e.event === 'changeset:persisted').map((e) => (e as { data: Record<string, XValue> }).data);

describe('Netwrix C# aspects (csharp-aspects.xml)', () => {
  const { objects, diags } = load('csharp-aspects.xml');
  const newInternal = workflow(objects, 'Directory_User_NewInternal');
  const goodChanges = (): Record<string, XValue> => ({
    FirstName: 'Jane',
    LastName: 'Doe',
    Vehicle_Requested: true,
    Records: [
      { ContractStartDate: '2025-01-01', ContractEndDate: '2025-12-31', Card: '  C-1 ' },
      { ContractStartDate: '2025-02-01', Card: '' },
    ],
  });

  it('loads every aspect written in C# without a diagnostic', () => {
    assert.deepEqual(diags.items.map(formatDiagnostic), []);
    assert.equal(objects.filter((o) => o.type === 'Aspect').length, 7);
  });

  it('runs the C# expressions: change values, build a login, build the subject and the address, launch when asked', async () => {
    const h = new Harness(newInternal, { launcher: 'manager1' });
    await h.start({ changes: goodChanges() });
    const executed = await h.decide(h.item().id, 'Execute', { actor: 'manager1' });
    const changes = h.vars()['changes'] as Record<string, XValue>;
    const records = changes['Records'] as Record<string, XValue>[];
    assert.equal(records[0]!['Card'], 'C-1', 'the card number is trimmed');
    assert.equal(records[1]!['Card'], null, 'AcceptNullValueExpression lets the null overwrite the empty card');
    assert.equal(changes['Login'], 'jdoe');
    const note = executed.effects.find((e) => e.kind === 'notification');
    assert.ok(note && note.kind === 'notification');
    assert.equal(note.subject, 'New employee: Jane DOE');
    assert.deepEqual(note.to, ['doe@example.com']);
    assert.equal(persisted(executed.effects)[0]!['changes'] && (persisted(executed.effects)[0]!['changes'] as Record<string, XValue>)['IsDraft'], true);

    const done = await h.decide(h.item().id, 'Approve', { actor: 'reviewer' });
    assert.equal(done.status, 'finished');
    assert.equal((persisted(done.effects)[0]!['changes'] as Record<string, XValue>)['IsDraft'], false, '!record.IsDraft.GetValueOrDefault() cleared the draft');
    const launch = done.effects.find((e) => e.kind === 'launch');
    assert.ok(launch && launch.kind === 'launch' && launch.definition === 'Directory_User_VehicleRequest');
  });

  it('refuses the transition when the C# assertion on the contract dates is false, and launches nothing without a vehicle', async () => {
    const h = new Harness(newInternal);
    await h.start({ changes: { ...goodChanges(), Records: [{ ContractStartDate: '2025-06-01', ContractEndDate: '2025-01-01' }] } });
    await assert.rejects(
      h.decide(h.item().id, 'Execute'),
      (e: unknown) => hasErrorCode(e, 'ASPECT_ASSERTION_FAILED') && (e as Error).message === "Contract's end date must be after contract's start date.",
    );
    // Without an end date the vendor's expression holds (HasValue is false).
    await h.decide(h.item().id, 'Save', { variables: { changes: { ...goodChanges(), Vehicle_Requested: false, Records: [{ ContractStartDate: '2025-06-01' }] } } });
    await h.decide(h.item().id, 'Execute');
    const done = await h.decide(h.item().id, 'Approve');
    assert.equal(done.status, 'finished');
    assert.equal(done.effects.filter((e) => e.kind === 'launch').length, 0);
  });
});

describe('Netwrix expression attributes (expression-attributes.xml)', () => {
  it('reads AcceptNullValueExpression, SubjectExpression_L1 and SimulationExpression as expressions, with one warning for the simulation only', () => {
    const { objects, diags } = load('expression-attributes.xml');
    assert.deepEqual(
      diags.items.map(formatDiagnostic),
      [
        'test/fixtures/netwrix/expression-attributes.xml:34:5: warning DEF_UNKNOWN_ATTRIBUTE: SimulationExpression is read and checked but never evaluated: idflow has no workflow preview',
      ],
    );
    const aspect = (id: string) => (objects.find((o) => o.type === 'Aspect' && o.name === id) as AspectObject).aspect;
    assert.ok(aspect('Card').acceptNullValueExpression, 'AcceptNullValueExpression is an expression');
    assert.equal(aspect('Card').acceptNullValue, undefined);
    assert.ok(aspect('Guest').subjectExpression);
    assert.ok(aspect('Bot_Login').simulationExpression);
  });

  it('gives exactly one diagnostic for each expression attribute that cannot be read', () => {
    const diags = new DiagnosticBag();
    const xml = `<ConfigurationFile xmlns="urn:schemas-usercube-com:configuration">
  <AddChangeAspect Identifier="A" Binding="Workflow_User:User.Card" AcceptNullValueExpression="C#:record:record.Card = null;" Expression="C#:record:return null;">
    <PointCut Activity="W:R" ActivityState="Action-Executed" />
  </AddChangeAspect>
  <BuildUniqueValueAspect Identifier="B" Binding="Workflow_User:User.Login" Expression="C#:u:return u.Login;"
    SimulationExpression="C#:wkf:return 'B' + string.Format(&quot;{0:D5}&quot;, new Random().Next(99000, 99999));"
    SqlCheckExpression="SELECT TOP 1 login FROM zz_directory_bot WHERE login=@VALUE">
    <PointCut Activity="W:R" ActivityState="Action-Executed" />
  </BuildUniqueValueAspect>
  <NotificationAspect Identifier="N" SubjectExpression_L1="C#:g:return logger.LogDebug(g.Name);">
    <PointCut Activity="W:R" ActivityState="Action-Executed" />
    <Recipient Type="Actor" />
  </NotificationAspect>
</ConfigurationFile>`;
    const root = readXml(xml, 'bad.xml', diags);
    assert.ok(root);
    loadNetwrixDocument(root, { file: 'bad.xml', diags });
    assert.deepEqual(
      diags.sorted().map((d) => `${d.location.line} ${d.severity} ${d.code} ${(d.message.match(/^line \d+: <\w+> (\w+)/) ?? d.message.match(/ (\w+)="/))?.[1] ?? ''}`),
      [
        '2 error NETWRIX_CSHARP_NOT_SUPPORTED AcceptNullValueExpression',
        '6 error NETWRIX_CSHARP_NOT_SUPPORTED SimulationExpression',
        '7 error DEF_BAD_VALUE SqlCheckExpression',
        '10 error NETWRIX_CSHARP_NOT_SUPPORTED SubjectExpression_L1',
      ],
    );
    const [acceptNull, simulation, sql, subject] = diags.sorted();
    assert.match(acceptNull!.message, /assignment is not in the subset/);
    assert.match(simulation!.message, /format specifiers \(\{0:D5\}, \{0,10\}\) in string.Format are not in the subset/);
    assert.match(sql!.message, /SQL against its own database/);
    assert.match(subject!.message, /logger \(a Netwrix service\) is not available/);
  });
});

describe('Netwrix workflows over other entity types (other-entity-types.xml)', () => {
  const { objects, diags } = load('other-entity-types.xml');

  it('loads Workflow_Directory_Country and Workflow_HR_Person with their entity types', () => {
    assert.deepEqual(diags.items.map(formatDiagnostic), []);
    assert.equal(workflow(objects, 'Directory_Country_Create').entityType, 'Directory_Country');
    assert.equal(workflow(objects, 'HR_Person_UpdateResources').entityType, 'HR_Person');
  });

  it('runs a country workflow on its own variables and records the persisted change set for that entity type', async () => {
    const h = new Harness(workflow(objects, 'Directory_Country_Create'), { launcher: 'admin' });
    await h.start({ changes: { Code: ' fr ' } });
    await assert.rejects(h.decide(h.item().id, 'Execute'), (e: unknown) => hasErrorCode(e, 'ASPECT_ASSERTION_FAILED') && (e as Error).message === 'A country needs a label.');
    await h.decide(h.item().id, 'Save', { variables: { changes: { Code: ' fr ', Label: 'France' } } });
    const done = await h.decide(h.item().id, 'Execute');
    assert.equal(done.status, 'finished');
    assert.deepEqual(persisted(done.effects).map((d) => [d['entityType'], d['changes']]), [['Directory_Country', { Code: 'FR', Label: 'France' }]]);
  });

  it('records User as the entity type of a user workflow', async () => {
    const h = new Harness(workflow(load('csharp-aspects.xml').objects, 'Directory_User_VehicleRequest'));
    await h.start({ changes: { LastName: 'Doe' } });
    const done = await h.decide(h.item().id, 'Execute');
    assert.deepEqual(persisted(done.effects).map((d) => d['entityType']), ['User']);
  });
});

describe('Netwrix notifications to a profile (profile-notification.xml)', () => {
  const NOTIFY = '/Custom/WorkflowsNotifications/Directory_User_NewInternal/Persist/Invoked';

  it('addresses a Recipient Type="Profile" to the notification permission of the state the aspect runs at', async () => {
    const { objects, diags } = load('profile-notification.xml');
    assert.deepEqual(diags.items.map(formatDiagnostic), []);
    const h = new Harness(workflow(objects, 'Directory_User_NewInternal'));
    await h.start({ changes: { FirstName: 'Jane', LastName: 'Doe' } });
    const done = await h.decide(h.item().id, 'Execute');
    const note = done.effects.find((e) => e.kind === 'notification');
    assert.ok(note && note.kind === 'notification');
    assert.deepEqual(note.to, [`permission:${NOTIFY}`]);
    assert.equal(note.subject, 'Jane Doe joins');
  });

  it('finds the people whose profiles hold that permission, whatever CanExecute says, and nobody else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idflow-notify-'));
    const repository = await openRepository({ db: join(dir, 'idflow.db') });
    try {
      const loaded = await loadDefinitionFiles([fileURLToPath(new URL('profile-notification.xml', FIXTURES))]);
      assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'error'), []);
      await repository.objects.putMany(loaded.objects);
      await repository.profiles.assign('carol', ['Workforce/Notifications/Directory_User_New'], 'admin', T0);
      await repository.profiles.assign('dave', ['Workforce/Notifications/Directory_User_New', 'Administrator'], 'admin', T0);
      await repository.profiles.assign('erin', ['Workforce/Notifications/Other'], 'admin', T0);
      const resolver = createAclPermissionResolver(repository);
      assert.deepEqual(await resolver.notified(`permission:${NOTIFY}`), ['carol', 'dave']);
      assert.deepEqual(await resolver.notified('/Custom/WorkflowsNotifications/Directory_User_NewInternal/Request/ActionPending'), ['erin']);
      assert.deepEqual(await resolver.notified('/Custom/WorkflowsNotifications/Directory_User_NewInternal/Persist/Purged'), []);
      assert.equal(await resolver('carol', NOTIFY), false, 'being notified is not a right to act');
    } finally {
      await repository.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
