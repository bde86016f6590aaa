/**
 * How approvals are written (docs/decisions/approval-attributes.md): idflow attributes on a Waveset manual action and
 * on a Netwrix Review, checked at import; vendor files without them load as before.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiagnosticBag, formatDiagnostic } from '../../src/definition/diagnostic.js';
import { loadDocument } from '../../src/definition/load.js';
import type { ManualActionActionModel } from '../../src/definition/model/action.js';
import type { ProcessObject, WorkflowObject } from '../../src/definition/model/objects.js';

function load(text: string): { objects: ProcessObject[]; diagnostics: string[] } {
  const diags = new DiagnosticBag();
  const objects = loadDocument(text, 'a.xml', diags).map((o) => o.object as ProcessObject);
  return { objects, diagnostics: diags.sorted().map(formatDiagnostic) };
}

const waveset = (manual: string): string => `<Waveset><TaskDefinition name='T' taskType='Workflow' executor='com.waveset.workflow.WorkflowExecutor'><Extension>
<WFProcess name='T'>
  <Activity id='0' name='start'><Transition to='A'/></Activity>
  <Activity id='1' name='A'><Action id='0'>${manual}</Action><Transition to='end'/></Activity>
  <Activity id='2' name='end'/>
</WFProcess></Extension></TaskDefinition></Waveset>`;

function manualOf(o: ProcessObject): ManualActionActionModel['manual'] {
  const action = o.process!.activities.find((a) => a.name === 'A')!.actions[0] as ManualActionActionModel;
  return action.manual;
}

describe('approvals in definition files', () => {
  it('reads the approval attributes of a Waveset manual action, and refuses a bad literal mode', () => {
    const ok = load(waveset(`<ManualAction name='M' approvalScheme='manager,owner' approvalMode='$(mode)' approvalResource='vpn' escalation='none'/>`));
    assert.deepEqual(ok.diagnostics, []);
    assert.deepEqual(manualOf(ok.objects[0]!).approval, { mode: '$(mode)', scheme: 'manager,owner', resource: 'vpn', escalation: 'none' });

    const bad = load(waveset(`<ManualAction name='M' approvalMode='sometimes' approvalScheme='boss'/>`));
    assert.equal(bad.diagnostics.length, 2, bad.diagnostics.join('\n'));
    assert.match(bad.diagnostics[0]!, /DEF_BAD_VALUE: approvalMode= approval mode 'sometimes' is not one of any, serial, parallel/);
    assert.match(bad.diagnostics[1]!, /DEF_BAD_VALUE: approvalScheme= 'boss' in approval scheme 'boss' is not one of manager, owner/);
  });

  it('refuses approval details on a manual action that is not an approval', () => {
    const bad = load(waveset(`<ManualAction name='M' approvalResource='vpn'><Owner name='bob'/></ManualAction>`));
    assert.equal(bad.diagnostics.length, 1);
    assert.match(bad.diagnostics[0]!, /approvalResource= belongs to an approval; add approvalMode= or approvalScheme=/);
  });

  it('keeps a manual action without approval attributes as it was', () => {
    const plain = load(waveset(`<ManualAction name='M'><Owner name='bob'/></ManualAction>`));
    assert.deepEqual(plain.diagnostics, []);
    assert.equal(manualOf(plain.objects[0]!).approval, undefined);
  });

  const netwrix = (activity: string): string => `<ConfigurationFile xmlns="urn:schemas-usercube-com:configuration">
  <Workflow Identifier="W" DisplayName_L1="W" VariablesType="Workflow_User">
    <Activity Identifier="Request" DisplayName_L1="Request" Template="ActionWithRefine" />
    ${activity}
  </Workflow>
</ConfigurationFile>`;

  it('turns a Netwrix Review with approvers into an approval on its ReviewPending item', () => {
    const { objects, diagnostics } = load(netwrix(`<Activity Identifier="Review" DisplayName_L1="Review" Template="Review" ApprovalScheme="manager" ApprovalMode="Two" ApprovalTimeout="90" />`));
    assert.deepEqual(diagnostics, []);
    const wf = objects[0] as WorkflowObject;
    const pending = wf.process.activities.find((a) => a.template?.state === 'Review-ReviewPending')!;
    const m = (pending.actions[0] as ManualActionActionModel).manual;
    assert.deepEqual(m.approval, { offerByPermission: true, mode: 'Two', scheme: 'manager' });
    assert.equal(m.timeout, 90);
    assert.equal(m.owners[0]?.kind, 'permission', 'the permission stays for when four-eyes leaves nobody');
  });

  it('warns about approval attributes on a Netwrix activity that is not a Review', () => {
    const { diagnostics } = load(netwrix(`<Activity Identifier="Persist" DisplayName_L1="Persist" Template="Persist" ApprovalScheme="manager" />`));
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0]!, /warning NETWRIX_ARGUMENT_IGNORED: ApprovalScheme: approvals are for Review and ReviewWithFeedback activities/);
  });
});
