/**
 * Checks, over a load set, that AccessControlRule entries for workflows in the set name real activities and states
 * where a person acts. Permissions for workflows outside the set are left alone (they may be in the repository).
 */
import type { DiagnosticBag } from '../diagnostic.js';
import type { DefinitionObject } from '../model/objects.js';
import { parseWorkflowPermission } from './access-control-reader.js';
import { workflowsByName } from './link-aspects.js';
import { TEMPLATES, withArticle, type TemplateName } from './templates.js';

/**
 * Warnings: `NETWRIX_PERMISSION_UNRESOLVED` when the activity is not in the workflow, `NETWRIX_PERMISSION_STATE`
 * when the state is not a user-interaction state of the activity's template (Executed, Approved, Declined and the
 * Invoked states of system templates need no permission).
 */
export function checkPermissionTargets(objects: readonly DefinitionObject[], diags: DiagnosticBag): void {
  const workflows = workflowsByName(objects);
  for (const o of objects) {
    if (o.type !== 'AccessControlRule') continue;
    for (const entry of o.entries) {
      const parsed = parseWorkflowPermission(entry.permission);
      if (!parsed || typeof parsed === 'string') continue;
      const workflow = workflows.get(parsed.workflow);
      if (!workflow) continue;
      const decl = workflow.activities.find((a) => a.identifier === parsed.activity);
      if (!decl) {
        diags.warning(
          'NETWRIX_PERMISSION_UNRESOLVED',
          `"${entry.permission}": workflow "${workflow.name}" has no activity "${parsed.activity}" (it has ${workflow.activities.map((a) => a.identifier).join(', ')}); the entry grants nothing`,
          entry.location,
        );
        continue;
      }
      if (parsed.state === undefined) continue;
      const template = TEMPLATES[decl.template as TemplateName];
      const state = template.states.find((s) => s.short === parsed.state);
      if (!state || !state.userInteraction) {
        const acting = template.states.filter((s) => s.userInteraction).map((s) => s.short);
        diags.warning(
          'NETWRIX_PERMISSION_STATE',
          `"${entry.permission}": ${parsed.state} is not a state where a person acts in ${withArticle(template.name)} activity, so the entry grants nothing; ` +
            (acting.length ? `use ${acting.join(', ')}` : `${template.name} runs by itself and needs no permission`),
          entry.location,
        );
      }
    }
  }
}
