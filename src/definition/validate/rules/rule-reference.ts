import type { Expr } from '../../model/expression.js';
import { suggestion } from '../suggest.js';
import { ValidationCodes, describeObject, isDynamicName } from '../validation-codes.js';
import type { ValidationRule } from '../validation-rule.js';
import { exprLocation, walkExpr, walkExpressions } from '../walk-expressions.js';
import type { SourceLocation } from '../../diagnostic.js';

/**
 * `<rule name='X'>` calls a Rule in the files given or in the repository. Only a warning: the repository may
 * receive the rule later, and the call fails at run time with its own error if it never does.
 */
export const ruleReferenceRule: ValidationRule = {
  id: 'rule-reference',
  codes: [ValidationCodes.RULE_UNRESOLVED],
  check(ctx) {
    const report = (e: Expr, where: string, location: SourceLocation): void => {
      if (e.op !== 'rule') return;
      const name = e.attrs?.['name'];
      if (name === undefined || name === '' || isDynamicName(name) || ctx.resolvesRule(name)) return;
      ctx.diags.warning(
        ValidationCodes.RULE_UNRESOLVED,
        `${where} calls the rule '${name}', which is neither in the files given nor in the repository${suggestion(name, ctx.ruleNames, 'rules in the files given')}`,
        location,
      );
    };
    for (const { object, process } of ctx.processes) {
      walkExpressions(process, (e, site) => {
        const where = site.activity ? `activity '${site.activity.name}' of ${describeObject(object)}` : describeObject(object);
        report(e, where, exprLocation(e, site));
      });
    }
    for (const object of ctx.objects) {
      if (object.type !== 'Rule') continue;
      walkExpr(object.body, (e) => report(e, describeObject(object), exprLocation(e, { location: object.location })));
    }
  },
};
