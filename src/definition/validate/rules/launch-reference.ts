import type { SourceLocation } from '../../diagnostic.js';
import { suggestion } from '../suggest.js';
import { ValidationCodes, describeObject, isDynamicName } from '../validation-codes.js';
import type { ValidationContext, ValidationRule } from '../validation-rule.js';

/**
 * Whatever launches a definition by name names one that exists: a TaskSchedule's `definition`, an
 * InvokeWorkflowAspect's `Workflow`, a ContinueWith activity's `ArgumentCalledWorkflow`. Each must be a
 * TaskDefinition or Workflow in the files given or in the repository; otherwise the launch could only fail
 * later, unattended.
 */
export const launchReferenceRule: ValidationRule = {
  id: 'launch-reference',
  codes: [ValidationCodes.WORKFLOW_LAUNCH_UNRESOLVED],
  check(ctx) {
    for (const object of ctx.objects) {
      if (object.type === 'TaskSchedule') {
        check(ctx, object.definition, `${describeObject(object)} runs`, object.location);
      } else if (object.type === 'Aspect' && object.aspect.kind === 'InvokeWorkflowAspect' && object.aspect.workflow !== undefined) {
        check(ctx, object.aspect.workflow, `${describeObject(object)} launches`, object.aspect.location);
      } else if (object.type === 'Workflow') {
        for (const a of object.activities) {
          if (a.calledWorkflow !== undefined) check(ctx, a.calledWorkflow, `activity '${a.identifier}' of ${describeObject(object)} continues with`, a.location);
        }
      }
    }
  },
};

function check(ctx: ValidationContext, name: string, what: string, location: SourceLocation): void {
  if (isDynamicName(name) || ctx.resolvesDefinition(name)) return;
  ctx.diags.error(
    ValidationCodes.WORKFLOW_LAUNCH_UNRESOLVED,
    `${what} '${name}', which is neither a TaskDefinition nor a Workflow in the files given or in the repository${suggestion(name, ctx.definitionNames, 'definitions in the files given')}`,
    location,
  );
}
