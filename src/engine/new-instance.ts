import type { XValue } from '../expression/env.js';
import { subjectKey } from '../identity/subject-key.js';
import { defaultTaskName, type InstanceRecord } from '../repository/runtime-store.js';
import type { LoadedDefinition } from './definition-cache.js';
import { newInstanceId } from './instance-id.js';

/** Parameters of a TaskDefinition or Workflow (a Configuration called as a process has none: defaults apply). */
export function parametersOf(definition: LoadedDefinition) {
  const o = definition.object;
  return o.type === 'Configuration' ? undefined : o.parameters;
}

/**
 * A TaskInstance that has not run yet: state `ready`, the launch inputs as its variables, due now. A synchronous
 * launch never commits this record; it runs it and commits the outcome. A subject that names nobody is refused
 * here (`SUBJECT_EMPTY`, `SUBJECT_INVALID`), whoever launches.
 */
export function newInstanceRecord(
  definition: LoadedDefinition,
  args: {
    readonly name?: string;
    readonly launcher: string;
    readonly subject?: string;
    /** The subject's key when the launch resolved it to an identity (src/engine/launch-subject.ts); else derived. */
    readonly subjectKey?: string;
    readonly inputs: Readonly<Record<string, XValue>>;
    readonly now: number;
  },
): InstanceRecord {
  const id = newInstanceId();
  const execLimit = parametersOf(definition)?.execLimit ?? 0;
  return {
    id,
    // Unnamed launches get a name that holds the whole id, so it can never collide (a prefix of the id did, among
    // enough live instances): resultOption only matters for named, repetitive tasks (schedules).
    name: args.name ?? defaultTaskName(definition.stored.name, id),
    definitionId: definition.stored.id,
    definitionType: definition.stored.type,
    definitionName: definition.stored.name,
    definitionVersion: definition.stored.version,
    state: 'ready',
    waiting: false,
    launcher: args.launcher,
    subject: args.subject ?? null,
    subjectKey: args.subject !== undefined ? (args.subjectKey ?? subjectKey(args.subject)) : null,
    position: [],
    interpreterState: null,
    variables: args.inputs,
    result: null,
    steps: 0,
    progress: null,
    createdAt: args.now,
    updatedAt: args.now,
    finishedAt: null,
    expiresAt: null,
    wakeAt: args.now,
    runnable: true,
    execDeadline: execLimit > 0 ? args.now + execLimit * 1000 : null,
    leaseOwner: null,
    leaseUntil: null,
    attempts: 0,
    revision: 0,
  };
}
