/**
 * The ONE place that answers "may this caller …" (DESIGN decision 9), for the CLI, the HTTP API and the console.
 * The rules (docs/decisions/access-model.md):
 *
 * - administrators (the CLI's local caller, accounts marked administrator) may launch, see, suspend, resume,
 *   terminate, import and administer everything; they decide and purge only by the same rules as anybody: being an
 *   administrator is not being an approver;
 * - launch: `/Workflows/WorkflowInstance/Start`, or (Netwrix) any permission on the workflow's first activity;
 * - see: the launcher, anyone who holds, held or may decide one of its work items, and supervisors;
 * - supervise (see, suspend, resume, terminate): `/Workflows/WorkflowInstance/Supervise` over every instance,
 *   `/Custom/Workflows/Supervise/<EntityType>` over the Netwrix workflows of that entity type;
 *   `/Workflows/WorkflowInstance/Resume` also lets a person resume;
 * - decide and delegate: {@link mayDecide} (owner or permission holder), then the four-eyes rule: a review offered by
 *   permission (`…/ReviewPending`) is not decided by the person who launched the instance nor by its subject;
 * - purge: {@link mayPurge} (the Aborted permission of the activity);
 * - a token caller also needs the scope of the action (src/access/caller.ts).
 */
import type { ProcessObject } from '../definition/model/objects.js';
import type { PermissionResolver, WorkItemView } from '../engine/engine-api.js';
import { NotAuthorizedError } from '../errors.js';
import type { Repository } from '../repository/repository.js';
import { hasScope, scopeOf, type AccessAction, type Caller } from './caller.js';
import { mayDecide, type DecideVerdict } from './may-decide.js';
import { mayPurge } from './may-purge.js';

/** Why a caller may do something, or why not. */
export type Verdict = { readonly allowed: true; readonly as?: string } | Refusal;
export interface Refusal {
  readonly allowed: false;
  readonly reason: string;
}

/** Start any definition (the vendor's API permission). */
export const START_PERMISSION = '/Workflows/WorkflowInstance/Start';
/** See and control every instance. */
export const SUPERVISE_ALL_PERMISSION = '/Workflows/WorkflowInstance/Supervise';
/** Resume a suspended instance. */
export const RESUME_PERMISSION = '/Workflows/WorkflowInstance/Resume';
/** See and control the Netwrix workflows of one entity type: `/Custom/Workflows/Supervise/<EntityType>`. */
export const SUPERVISE_ENTITY_PREFIX = '/Custom/Workflows/Supervise/';

/** Upload HR files in the console and read HR runs (docs/decisions/console-hr-imports.md). */
export const HR_IMPORT_PERMISSION = '/Custom/HR/Import';

/** What the module needs to know of a TaskInstance. */
export interface TaskFacts {
  readonly id: string;
  readonly launcher: string;
  readonly subject?: string | null;
  readonly definition: { readonly id: string; readonly type: string; readonly name: string };
}

export class AccessPolicy {
  readonly #repository: Repository;
  readonly #permissions: PermissionResolver | undefined;
  /** Definition version id → entity type ('' for none). Versions never change, so this never goes stale. */
  readonly #entityTypes = new Map<string, string>();

  constructor(repository: Repository, permissions: PermissionResolver | undefined) {
    this.#repository = repository;
    this.#permissions = permissions;
  }

  get permissions(): PermissionResolver | undefined {
    return this.#permissions;
  }

  async holds(caller: Caller, permission: string): Promise<boolean> {
    return this.#permissions !== undefined && (await this.#permissions(caller.person, permission));
  }

  async mayLaunch(caller: Caller, definition: { readonly name: string; readonly object: ProcessObject }): Promise<Verdict> {
    const scope = this.#scope(caller, 'launch');
    if (scope) return scope;
    if (caller.administrator) return { allowed: true, as: 'administrator' };
    if (await this.holds(caller, START_PERMISSION)) return { allowed: true, as: 'permission' };
    if (definition.object.type === 'Workflow' && definition.object.activities[0]) {
      const first = `/Custom/Workflows/${definition.name}/${definition.object.activities[0].identifier}`;
      const held = this.#permissions?.held ? await this.#permissions.held(caller.person) : [];
      if (held.some((p) => p === first || p.startsWith(`${first}/`))) return { allowed: true, as: 'permission' };
      return { allowed: false, reason: `launching "${definition.name}" needs ${START_PERMISSION} or a permission on its first activity (${first}/…); ${caller.person} holds neither` };
    }
    return { allowed: false, reason: `launching "${definition.name}" needs the permission ${START_PERMISSION}; ${caller.person} does not hold it` };
  }

  /** A supervisor of the instance: sees and controls it. */
  async supervises(caller: Caller, task: TaskFacts): Promise<boolean> {
    if (caller.administrator) return true;
    if (await this.holds(caller, SUPERVISE_ALL_PERMISSION)) return true;
    const entityType = await this.#entityType(task.definition.id);
    return entityType !== '' && (await this.holds(caller, `${SUPERVISE_ENTITY_PREFIX}${entityType}`));
  }

  /** True when the caller sees every instance (lists need no per-row check). */
  async seesEverything(caller: Caller): Promise<boolean> {
    return hasScope(caller, 'see') && (caller.administrator || (await this.holds(caller, SUPERVISE_ALL_PERMISSION)));
  }

  /**
   * `involved`: the work items of the instance, when the caller is not its launcher or a supervisor (one query the
   * caller makes only then).
   */
  async maySee(caller: Caller, task: TaskFacts, involved?: () => Promise<readonly WorkItemView[]>): Promise<Verdict> {
    const scope = this.#scope(caller, 'see');
    if (scope) return scope;
    if (task.launcher === caller.person) return { allowed: true, as: 'launcher' };
    if (await this.supervises(caller, task)) return { allowed: true, as: 'supervisor' };
    if (involved) {
      for (const item of await involved()) {
        if (item.owner === caller.person || item.delegatedFrom === caller.person || item.decidedBy === caller.person) return { allowed: true, as: 'participant' };
        if (item.state === 'open' && (await mayDecide(caller.person, item, this.#permissions)).allowed) return { allowed: true, as: 'participant' };
      }
    }
    return { allowed: false, reason: `${caller.person} neither launched task instance ${task.id}, nor takes part in it, nor supervises it` };
  }

  async mayControl(caller: Caller, action: 'suspend' | 'resume' | 'terminate', task: TaskFacts): Promise<Verdict> {
    const scope = this.#scope(caller, action);
    if (scope) return scope;
    if (await this.supervises(caller, task)) return { allowed: true, as: 'supervisor' };
    if (action === 'resume' && (await this.holds(caller, RESUME_PERMISSION))) return { allowed: true, as: 'permission' };
    const entityType = await this.#entityType(task.definition.id);
    const what = entityType !== '' ? `${SUPERVISE_ALL_PERMISSION} or ${SUPERVISE_ENTITY_PREFIX}${entityType}` : SUPERVISE_ALL_PERMISSION;
    return { allowed: false, reason: `to ${action} task instance ${task.id}, ${caller.person} needs ${what}` };
  }

  /** Bulk operations over a query: only who supervises every instance. */
  async mayControlAll(caller: Caller, action: 'terminate' | 'administer'): Promise<Verdict> {
    const scope = this.#scope(caller, action);
    if (scope) return scope;
    if (caller.administrator || (await this.holds(caller, SUPERVISE_ALL_PERMISSION))) return { allowed: true };
    return { allowed: false, reason: `${caller.person} would need ${SUPERVISE_ALL_PERMISSION} or to be an administrator` };
  }

  /**
   * Who may decide (or delegate) `item`. With `task` (its instance) the four-eyes rule applies too: a review offered
   * by permission (`…/ReviewPending`) is not decided by the instance's launcher nor by its subject. Action states
   * (`ActionPending`, `RefinePending`) are the requester's own work, and an item owned by name is its owner's.
   */
  async mayDecide(caller: Caller, item: Pick<WorkItemView, 'id' | 'owner' | 'permission' | 'delegatedFrom'>, task?: Pick<TaskFacts, 'launcher' | 'subject'>): Promise<DecideVerdict> {
    const scope = this.#scope(caller, 'decide');
    if (scope) return scope;
    const verdict = await mayDecide(caller.person, item, this.#permissions);
    if (!verdict.allowed || verdict.as !== 'permission' || task === undefined || !isReview(item.permission)) return verdict;
    if (task.launcher === caller.person) {
      return { allowed: false, reason: `four-eyes rule: ${caller.person} launched the task instance of work item ${item.id}, so someone else holding ${item.permission} must decide it` };
    }
    if (task.subject != null && task.subject === caller.person) {
      return { allowed: false, reason: `four-eyes rule: work item ${item.id} is about ${caller.person}, so someone else holding ${item.permission} must decide it` };
    }
    return verdict;
  }

  async mayPurge(caller: Caller, permission: string): Promise<Verdict> {
    const scope = this.#scope(caller, 'purge');
    if (scope) return scope;
    return mayPurge(caller.person, permission, this.#permissions);
  }

  /** Import definitions, manage accounts, tokens and profiles, delete kept results. */
  mayAdminister(caller: Caller, action: 'import' | 'administer'): Verdict {
    const scope = this.#scope(caller, action);
    if (scope) return scope;
    if (caller.administrator) return { allowed: true, as: 'administrator' };
    return { allowed: false, reason: `${action === 'import' ? 'importing definitions' : 'this'} is for administrators; ${caller.person} is not one` };
  }

  /**
   * Import HR files and read HR runs (their plans name people): administrators, and holders of
   * {@link HR_IMPORT_PERMISSION} (the default configuration grants it to the HR profile).
   */
  async mayImportHr(caller: Caller): Promise<Verdict> {
    const scope = this.#scope(caller, 'import');
    if (scope) return scope;
    if (caller.administrator) return { allowed: true, as: 'administrator' };
    if (await this.holds(caller, HR_IMPORT_PERMISSION)) return { allowed: true, as: 'permission' };
    return { allowed: false, reason: `HR imports are for administrators and holders of ${HR_IMPORT_PERMISSION}; ${caller.person} is neither` };
  }

  #scope(caller: Caller, action: AccessAction): Refusal | undefined {
    if (hasScope(caller, action)) return undefined;
    return { allowed: false, reason: `the API token of ${caller.person} lacks the scope "${scopeOf(action)}" needed to ${action}` };
  }

  async #entityType(definitionId: string): Promise<string> {
    let type = this.#entityTypes.get(definitionId);
    if (type === undefined) {
      const stored = await this.#repository.objects.getById(definitionId);
      type = stored?.model.type === 'Workflow' ? stored.model.entityType : '';
      this.#entityTypes.set(definitionId, type);
    }
    return type;
  }
}

/** The waiting state of the Review and ReviewWithFeedback templates: an approval, where four eyes apply. */
function isReview(permission: string | undefined): boolean {
  return permission !== undefined && permission.endsWith('/ReviewPending');
}

/** Throws the refusal when the verdict says no. */
export function requireAllowed(verdict: Verdict | DecideVerdict, code: string, details: Readonly<Record<string, unknown>>): void {
  if (!verdict.allowed) throw new NotAuthorizedError(code, verdict.reason, details);
}

/** Throws `ACCESS_NOT_ADMINISTRATOR` unless the caller may administer: the one check every administrators-only route and page makes. */
export function requireAdministrator(policy: Pick<AccessPolicy, 'mayAdminister'>, caller: Caller): void {
  requireAllowed(policy.mayAdminister(caller, 'administer'), 'ACCESS_NOT_ADMINISTRATOR', { actor: caller.person });
}
