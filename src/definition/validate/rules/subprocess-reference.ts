import { suggestion } from '../suggest.js';
import { ValidationCodes, describeObject, isDynamicName } from '../validation-codes.js';
import type { ValidationRule } from '../validation-rule.js';

/**
 * Warns when `<Action process='X'>` names no process idflow can run: a TaskDefinition, Workflow or Configuration with a
 * WFProcess in the files given, or one the resolver knows (the repository). Stock Waveset names such as
 * `Rename Task` get no special treatment: they resolve when something provides them. Names computed at run
 * time (`$(var)`) cannot be checked here.
 */
export const subprocessReferenceRule: ValidationRule = {
  id: 'subprocess-reference',
  codes: [ValidationCodes.SUBPROCESS_UNRESOLVED],
  check(ctx) {
    for (const { object, process } of ctx.processes) {
      for (const activity of process.activities) {
        for (const action of activity.actions) {
          if (action.kind !== 'subprocess' || isDynamicName(action.process)) continue;
          if (ctx.resolvesProcess(action.process)) continue;
          // A warning, not an error: a real export calls stock processes idflow does not have, and refusing the file
          // would store none of its workflows. The administrator sees here, before running, what the workflow will
          // miss; at run time the action fails (WF_ACTION_ERROR) as any failed action does.
          ctx.diags.warning(
            ValidationCodes.SUBPROCESS_UNRESOLVED,
            `activity '${activity.name}' of ${describeObject(object)} calls the subprocess '${action.process}', which is neither in the files given nor in the repository; the action will fail when it runs${suggestion(action.process, ctx.processNames, 'processes in the files given')}`,
            action.location,
          );
        }
      }
    }
  },
};
