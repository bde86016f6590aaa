import type { LoadContext } from '../load-context.js';
import type { RuleObject } from '../model/objects.js';
import type { XmlElement } from '../xml/xml-element.js';
import {
  booleanAttr,
  checkAttributes,
  compact,
  describeElement,
  REPOSITORY_ATTRIBUTES,
  requiredAttr,
  stringAttr,
} from './attribute-types.js';
import { compileValueChildren, isExpressionElement, reportIgnoredElement, reportStrayText, reportUnknownElement } from './child-elements.js';
import { reportDuplicateNames } from './unique-names.js';
import { WavesetCodes } from './waveset-codes.js';

const RULE_CHILDREN = ['RuleArgument', 'Comments', 'Description', 'MemberObjectGroups', 'Properties', 'expression', 'an XPRESS expression'] as const;

/**
 * `<Rule name='x' localScope='true'><RuleArgument name='a' value='d'/>…body…</Rule>`. The body is the rule's
 * expression children (several form an implicit block), or one `<expression>` wrapper. `<Comments>`,
 * `<Description>` and `<MemberObjectGroups>` are accepted and not kept. Undefined without a name or a body.
 */
export function readRule(el: XmlElement, ctx: LoadContext): RuleObject | undefined {
  checkAttributes(el, ['name', 'localScope', ...REPOSITORY_ATTRIBUTES], ctx);
  reportStrayText(el, ctx);
  const name = requiredAttr(el, 'name', ctx);
  const args: { name: string; value?: string; location: XmlElement['location'] }[] = [];
  const body: XmlElement[] = [];
  for (const c of el.children) {
    switch (c.name) {
      case 'RuleArgument': {
        checkAttributes(c, ['name', 'value'], ctx);
        for (const k of c.children) if (k.name !== 'Comments') reportUnknownElement(k, c, ['Comments'], ctx);
        const argName = requiredAttr(c, 'name', ctx);
        if (argName !== undefined) args.push(compact({ name: argName, value: stringAttr(c, 'value'), location: c.location }));
        break;
      }
      case 'Comments':
      case 'Description':
      case 'MemberObjectGroups':
        break;
      case 'Properties':
        reportIgnoredElement(c, el, ctx, 'idflow keeps no object properties');
        break;
      default:
        if (c.name === 'expression' || isExpressionElement(c)) body.push(c);
        else reportUnknownElement(c, el, RULE_CHILDREN, ctx);
    }
  }
  reportDuplicateNames(args, 'rule argument', `rule ${describeElement(el)}`, ctx);
  if (body.length === 0) {
    ctx.diags.error(WavesetCodes.MISSING_ELEMENT, `${describeElement(el)} has no body; add the XPRESS expression it evaluates`, el.location);
    return undefined;
  }
  const expr = compileValueChildren(el, body, ctx);
  const localScope = booleanAttr(el, 'localScope', ctx, false);
  if (name === undefined || expr === undefined) return undefined;
  return {
    type: 'Rule',
    dialect: 'waveset',
    name,
    arguments: args.map((a) => compact({ name: a.name, value: a.value })),
    localScope,
    body: expr,
    location: el.location,
  };
}
