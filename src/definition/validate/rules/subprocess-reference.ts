import { suggestion } from '../suggest.js';
import { ValidationCodes, describeObject, isDynamicName } from '../validation-codes.js';
import type { ValidationRule } from '../validation-rule.js';

/**
 * `<Action process='X'>` names a process idflow can run: a TaskDefinition, Workflow or Configuration with a
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
          ctx.diags.error(
            ValidationCodes.SUBPROCESS_UNRESOLVED,
            `activity '${activity.name}' of ${describeObject(object)} calls the subprocess '${action.process}', which is neither in the files given nor in the repository${suggestion(action.process, ctx.processNames, 'processes in the files given')}`,
            action.location,
          );
        }
      }
    }
  },
};
