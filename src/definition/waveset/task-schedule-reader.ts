import type { LoadContext } from '../load-context.js';
import type { TaskScheduleObject } from '../model/objects.js';
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
import { reportIfRepeated, reportStrayText, reportUnknownElement } from './child-elements.js';
import { readObjectChildren } from './repository-object-parts.js';
import { readObjectRef } from './object-ref-reader.js';
import { RESULT_OPTIONS } from './task-definition-reader.js';
import { WavesetCodes } from './waveset-codes.js';
import { readMap, type XmlObjectValue } from './xml-object-value.js';
import { IANAZone } from 'luxon';
import { cronProblem } from '../cron-schedule.js';
import { parseIsoInstant, parseWavesetDate } from '../parse-instant.js';

/**
 * Length of each `repeatUnit` in seconds. A month is 30 days: the scheduler runs on a fixed period, not on
 * calendar months (docs/decisions/waveset-decisions.md).
 */
export const REPEAT_UNIT_SECONDS = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86_400,
  week: 604_800,
  month: 2_592_000,
} as const;
const REPEAT_UNITS = Object.keys(REPEAT_UNIT_SECONDS) as (keyof typeof REPEAT_UNIT_SECONDS)[];

const SCHEDULE_FIELDS = [
  'name',
  'definition',
  'start',
  'repeatCount',
  'repeatUnit',
  'disabled',
  'skipMissed',
  'resultOption',
  'taskName',
  'cron',
  'timezone',
] as const;
/** Scheduler attributes Waveset documents that idflow keeps as written without giving them meaning yet. */
const KEPT_SCHEDULE_ATTRIBUTES = ['taskOrganization', 'allowMultiple'] as const;
/** A schedule's own children; the common object parts are read by readObjectChildren. */
const SCHEDULE_CHILDREN = ['TaskDefinitionRef', 'ObjectRef', 'Variables'] as const;

/**
 * `<TaskSchedule name=… definition=… start=… repeatCount=… repeatUnit=…>` with the definition given by the attribute
 * or by `<TaskDefinitionRef>`/`<ObjectRef type='TaskDefinition'>`, and `<Variables><Map>…` as initial variables.
 * Waveset semantics: `repeatCount` 0 or absent runs once; a positive count runs that many times, one `repeatUnit`
 * apart. Undefined when the name, definition or start is missing.
 */
export function readTaskSchedule(el: XmlElement, ctx: LoadContext): TaskScheduleObject | undefined {
  checkAttributes(el, [...SCHEDULE_FIELDS, ...KEPT_SCHEDULE_ATTRIBUTES, ...REPOSITORY_ATTRIBUTES], ctx);
  reportStrayText(el, ctx);
  const name = requiredAttr(el, 'name', ctx);
  const attributes = otherAttributes(el, SCHEDULE_FIELDS);
  let definition = stringAttr(el, 'definition');
  let definitionEl: XmlElement | undefined;
  let variablesEl: XmlElement | undefined;
  let variables: Record<string, XmlObjectValue> = {};
  readObjectChildren(el, SCHEDULE_CHILDREN, attributes, ctx, (c) => {
    if (c.name === 'Variables') {
      if (reportIfRepeated(c, el, variablesEl, ctx)) return;
      variablesEl = c;
      variables = readScheduleVariables(c, ctx);
      return;
    }
    if (reportIfRepeated(c, el, definitionEl, ctx)) return;
    definitionEl = c;
    if (definition !== undefined) {
      ctx.diags.error(WavesetCodes.BAD_VALUE, `${describeElement(el)} names its definition twice (definition= and <${c.name}>); keep one`, c.location);
    }
    definition = readDefinitionRef(c, ctx) ?? definition;
  });
  if (definition === undefined || definition.trim() === '') {
    ctx.diags.error(
      WavesetCodes.MISSING_ATTRIBUTE,
      `${describeElement(el)} needs a definition attribute or a <TaskDefinitionRef> naming the TaskDefinition to run`,
      el.location,
    );
  }
  const start = readStart(el, ctx);
  const repeatCount = integerAttr(el, 'repeatCount', ctx, undefined, 0);
  const repeatUnit = enumAttr(el, 'repeatUnit', REPEAT_UNITS, ctx, undefined);
  let repeatSeconds = 0;
  // With cron= the expression gives the times, and repeatCount only how many runs.
  if (repeatCount !== undefined && repeatCount > 0 && !el.attributes.has('cron')) {
    if (repeatUnit === undefined) {
      if (!el.attributes.has('repeatUnit')) requiredAttr(el, 'repeatUnit', ctx, `a repeatCount of ${repeatCount} needs the period between runs`);
    } else {
      repeatSeconds = REPEAT_UNIT_SECONDS[repeatUnit];
    }
  }
  const cron = stringAttr(el, 'cron')?.trim();
  const timezone = stringAttr(el, 'timezone')?.trim();
  const zoneValid = timezone !== undefined && IANAZone.isValidZone(timezone);
  if (timezone !== undefined && !zoneValid) {
    ctx.diags.error(WavesetCodes.BAD_VALUE, `timezone='${timezone}' on ${describeElement(el)} is not an IANA time zone (Europe/Paris, America/New_York, UTC)`, el.attributeLocations.get('timezone') ?? el.location);
  }
  if (cron !== undefined) {
    if (el.attributes.has('repeatUnit')) {
      ctx.diags.error(WavesetCodes.BAD_VALUE, `${describeElement(el)} has both cron= and repeatUnit=; a schedule repeats by one of them`, el.attributeLocations.get('cron') ?? el.location);
    }
    const problem = cronProblem(cron, zoneValid ? timezone : undefined);
    if (problem) {
      ctx.diags.error(WavesetCodes.BAD_VALUE, `cron='${cron}' on ${describeElement(el)} is not a cron expression: ${problem}`, el.attributeLocations.get('cron') ?? el.location);
    }
  } else if (timezone !== undefined) {
    ctx.diags.error(WavesetCodes.BAD_VALUE, `timezone= on ${describeElement(el)} goes with cron=; repeat periods count seconds and need no zone`, el.attributeLocations.get('timezone') ?? el.location);
  }
  const schedule = compact<TaskScheduleObject>({
    type: 'TaskSchedule',
    dialect: 'waveset',
    name: name ?? '',
    definition: definition ?? '',
    start: start ?? '',
    repeatSeconds,
    repeatCount,
    cron,
    timezone,
    disabled: booleanAttr(el, 'disabled', ctx, false),
    skipMissed: booleanAttr(el, 'skipMissed', ctx, false),
    resultOption: enumAttr(el, 'resultOption', RESULT_OPTIONS, ctx, undefined),
    taskName: stringAttr(el, 'taskName'),
    variables,
    attributes,
    location: el.location,
  });
  if (name === undefined || definition === undefined || definition.trim() === '' || start === undefined) return undefined;
  return schedule;
}

/** `<TaskDefinitionRef name='X'/>`, `<TaskDefinitionRef><ObjectRef type='TaskDefinition' name='X'/></TaskDefinitionRef>` or `<ObjectRef type='TaskDefinition' name='X'/>`. */
function readDefinitionRef(el: XmlElement, ctx: LoadContext): string | undefined {
  if (el.name === 'ObjectRef') {
    const ref = readObjectRef(el, ctx, 'TaskDefinition');
    return ref?.name ?? ref?.id;
  }
  checkAttributes(el, ['name', 'id'], ctx);
  const [first, ...rest] = el.children;
  for (const extra of rest) reportUnknownElement(extra, el, ['one ObjectRef'], ctx);
  if (first) {
    if (first.name !== 'ObjectRef') {
      reportUnknownElement(first, el, ['ObjectRef'], ctx);
      return undefined;
    }
    const ref = readObjectRef(first, ctx, 'TaskDefinition');
    return ref?.name ?? ref?.id;
  }
  return stringAttr(el, 'name') ?? stringAttr(el, 'id') ?? requiredAttr(el, 'name', ctx);
}

/** `<Variables><Map><MapEntry key='k' value='v'/>…</Map></Variables>`. */
function readScheduleVariables(el: XmlElement, ctx: LoadContext): Record<string, XmlObjectValue> {
  checkAttributes(el, [], ctx);
  let out: Record<string, XmlObjectValue> = {};
  for (const c of el.children) {
    if (c.name === 'Map') {
      checkAttributes(c, [], ctx);
      out = { ...out, ...readMap(c, ctx) };
    } else {
      reportUnknownElement(c, el, ['Map'], ctx);
    }
  }
  return out;
}

/**
 * `start` as an ISO 8601 instant. Accepted: epoch milliseconds (`1735689600000`, how Waveset stores dates), ISO
 * 8601 (a date-time without an offset is taken as UTC), and the XML object `<Date>` form `20250106 02:00:00` (UTC).
 */
function readStart(el: XmlElement, ctx: LoadContext): string | undefined {
  const raw = requiredAttr(el, 'start', ctx, 'the instant of the first run');
  if (raw === undefined) return undefined;
  const iso = parseInstant(raw.trim());
  if (iso === undefined) {
    ctx.diags.error(
      WavesetCodes.BAD_VALUE,
      `start='${raw}' on <TaskSchedule> is not a date; expected ISO 8601 (2025-01-06T02:00:00Z) or epoch milliseconds`,
      el.attributeLocations.get('start') ?? el.location,
    );
  }
  return iso;
}

/**
 * Parses the accepted `start` forms into `YYYY-MM-DDTHH:MM:SS.sssZ`, validating them (src/definition/parse-instant.ts):
 * `2025-02-30` is refused rather than read as 2 March; a space for the `T`, fractional seconds and an IANA zone
 * after a space are accepted.
 */
export function parseInstant(v: string): string | undefined {
  let ms: number | undefined;
  if (/^\d{1,15}$/.test(v)) ms = Number(v);
  else if (/^\d{8} /.test(v)) ms = parseWavesetDate(v);
  else {
    const parsed = parseIsoInstant(v);
    ms = 'ms' in parsed ? parsed.ms : undefined;
  }
  return ms !== undefined && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
