import type { LoadContext } from '../load-context.js';
import type { TaskDefinitionObject } from '../model/objects.js';
import type { ProcessModel } from '../model/process.js';
import { DEFAULT_TASK_PARAMETERS, type TaskParameters } from '../model/task-parameters.js';
import type { XmlElement } from '../xml/xml-element.js';
import {
  booleanAttr,
  checkAttributes,
  compact,
  describeElement,
  enumAttr,
  integerAttr,
  otherAttributes,
  REPOSITORY_ATTRIBUTES,
  requiredAttr,
  stringAttr,
} from './attribute-types.js';
import { reportIfRepeated, reportIgnoredElement, reportStrayText, reportUnknownElement } from './child-elements.js';
import { readObjectChildren } from './repository-object-parts.js';
import { readWFProcess } from './wfprocess-reader.js';
import { WavesetCodes } from './waveset-codes.js';

/** TaskDefinition attributes that become {@link TaskParameters}. */
const PARAMETER_ATTRIBUTES = [
  'execMode',
  'syncControlAllowed',
  'suspendable',
  'execLimit',
  'resultLimit',
  'resultOption',
  'wizard',
  'visibility',
  'progressInterval',
  'taskType',
  'executor',
] as const;

const TASK_DEFINITION_ATTRIBUTES = ['name', ...PARAMETER_ATTRIBUTES, ...REPOSITORY_ATTRIBUTES];

export const EXEC_MODES = ['sync', 'async', 'asyncImmediate'] as const;
export const RESULT_OPTIONS = ['wait', 'delete', 'rename', 'terminate'] as const;
export const VISIBILITIES = ['runschedule', 'invisible', 'run', 'schedule'] as const;

/**
 * `<TaskDefinition name=… execMode=… …><Extension><WFProcess>…</WFProcess></Extension>…</TaskDefinition>`.
 * Parameters get their defaults (DEFAULT_TASK_PARAMETERS); other attributes are kept in `attributes`, with
 * `<Description>`, `<Comments>` and `<MemberObjectGroups>` added as `description`, `comments` and
 * `MemberObjectGroups` (comma-separated). Returns undefined without a name or a WFProcess.
 */
export function readTaskDefinition(el: XmlElement, ctx: LoadContext): TaskDefinitionObject | undefined {
  checkAttributes(el, TASK_DEFINITION_ATTRIBUTES, ctx);
  reportStrayText(el, ctx);
  const name = requiredAttr(el, 'name', ctx);
  const parameters = readTaskParameters(el, ctx);
  const attributes = otherAttributes(el, ['name', ...PARAMETER_ATTRIBUTES]);
  let extensionEl: XmlElement | undefined;
  let process: ProcessModel | undefined;
  readObjectChildren(el, ['Extension'], attributes, ctx, (c) => {
    if (reportIfRepeated(c, el, extensionEl, ctx)) return;
    extensionEl = c;
    process = readProcessExtension(c, name ?? '', ctx, true);
  });
  const executor = parameters.executor?.trim();
  if (!extensionEl && executor && executor !== WORKFLOW_EXECUTOR) {
    // A Java task (an SPML or report executor): stored so that an export loads whole and `show` lists it; running it
    // is refused with TASK_EXECUTOR_UNSUPPORTED, naming the executor.
    ctx.diags.warning(
      WavesetCodes.NOT_A_WORKFLOW,
      `${describeElement(el)} runs the Java executor ${executor}, not a workflow; it is stored, but idflow cannot run it`,
      el.location,
    );
    if (name === undefined) return undefined;
    const stub: ProcessModel = { name, maxSteps: 0, variables: [], activities: [], start: '', location: el.location };
    return { type: 'TaskDefinition', dialect: 'waveset', name, parameters, process: stub, attributes, javaExecutor: executor, location: el.location };
  }
  if (!extensionEl) {
    ctx.diags.error(
      WavesetCodes.MISSING_ELEMENT,
      `${describeElement(el)} has no <Extension><WFProcess>…</WFProcess></Extension>; a workflow needs one (a Java task names its executor= instead)`,
      el.location,
    );
  }
  if (name === undefined || process === undefined) return undefined;
  return { type: 'TaskDefinition', dialect: 'waveset', name, parameters, process, attributes, location: el.location };
}

/** The executor of Waveset workflows; any other executor is a Java task idflow stores but does not run. */
export const WORKFLOW_EXECUTOR = 'com.waveset.workflow.WorkflowExecutor';

/**
 * Reads the TaskParameters of a TaskDefinition, applying DEFAULT_TASK_PARAMETERS. `execMode` absent or `DEFAULT`
 * means async (reference waveset §1.2).
 */
export function readTaskParameters(el: XmlElement, ctx: LoadContext): TaskParameters {
  const d = DEFAULT_TASK_PARAMETERS;
  const rawMode = stringAttr(el, 'execMode');
  const execMode =
    rawMode === undefined || rawMode.trim().toUpperCase() === 'DEFAULT' || rawMode.trim() === ''
      ? d.execMode
      : enumAttr(el, 'execMode', EXEC_MODES, ctx, d.execMode);
  return compact<TaskParameters>({
    execMode,
    syncControlAllowed: booleanAttr(el, 'syncControlAllowed', ctx, d.syncControlAllowed),
    suspendable: booleanAttr(el, 'suspendable', ctx, d.suspendable),
    execLimit: integerAttr(el, 'execLimit', ctx, d.execLimit, 0),
    resultLimit: integerAttr(el, 'resultLimit', ctx, d.resultLimit, -1),
    resultOption: enumAttr(el, 'resultOption', RESULT_OPTIONS, ctx, d.resultOption),
    wizard: booleanAttr(el, 'wizard', ctx, d.wizard),
    visibility: enumAttr(el, 'visibility', VISIBILITIES, ctx, d.visibility),
    progressInterval: integerAttr(el, 'progressInterval', ctx, d.progressInterval, 0),
    taskType: stringAttr(el, 'taskType')?.trim() || d.taskType,
    executor: stringAttr(el, 'executor'),
    authType: stringAttr(el, 'authType'),
  });
}

/**
 * `<Extension><WFProcess>…</WFProcess></Extension>` of a TaskDefinition or Configuration. When `required`, an
 * Extension holding anything else is an error; otherwise (a Configuration holding data) it is skipped with a warning.
 */
export function readProcessExtension(el: XmlElement, ownerName: string, ctx: LoadContext, required: boolean): ProcessModel | undefined {
  checkAttributes(el, [], ctx);
  reportStrayText(el, ctx);
  let processEl: XmlElement | undefined;
  let process: ProcessModel | undefined;
  for (const c of el.children) {
    if (c.name === 'WFProcess') {
      if (reportIfRepeated(c, el, processEl, ctx)) continue;
      processEl = c;
      process = readWFProcess(c, ownerName, ctx);
    } else if (required) {
      reportUnknownElement(c, el, ['WFProcess'], ctx);
    } else {
      reportIgnoredElement(c, el, ctx, 'the Configuration is stored with this data, which idflow keeps but does not use (only a <WFProcess> runs)');
    }
  }
  if (required && !processEl && el.children.length === 0) {
    ctx.diags.error(WavesetCodes.MISSING_ELEMENT, `<Extension> is empty; put the <WFProcess> inside it`, el.location);
  }
  return process;
}
