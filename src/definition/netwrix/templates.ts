/**
 * The seven Netwrix activity templates as data: their states, the verbs that leave each state and where each verb
 * goes. The public names (`ActionWithRefine-ActionPending`, `ReviewWithFeedback-RefinePending-Execute`, …) are
 * built from this table and are the contract with configuration files, permissions and the HR feed.
 *
 * The source documentation names every state and transition but not the transition targets; the targets here are
 * the reconstruction of reference netwrix §3, with the uncertain ones decided in docs/decisions/netwrix-templates.md.
 */

export const TEMPLATE_NAMES = [
  'Action',
  'ActionWithRefine',
  'Review',
  'ReviewWithFeedback',
  'Persist',
  'PersistOnlyResources',
  'ContinueWith',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/**
 * What a state is for:
 * - `waiting`: a person acts (one work item offered by permission; its decisions are the state's verbs);
 * - `success`: the activity is done; the next declared activity starts (or the workflow completes);
 * - `declined` / `aborted` / `purged`: the instance ends with that outcome (`aborted` still offers Purge, as an
 *   administrative operation on the finished instance);
 * - `system`: idflow runs a service operation and fires `Invoke` by itself.
 */
export type StateRole = 'waiting' | 'success' | 'declined' | 'aborted' | 'purged' | 'system';

export interface TemplateVerb {
  /** `Save`, `Execute`, `Delegate`, … */
  readonly verb: string;
  /** Short name of the target state in the same template. */
  readonly to: string;
  /** `save` keeps the work item open, `assign` names the next holder, `complete` closes it. */
  readonly kind: 'complete' | 'save' | 'assign';
}

export interface TemplateState {
  /** Short name, used in permissions: `ActionPending`. */
  readonly short: string;
  readonly role: StateRole;
  /** Verbs leaving this state, in the reference's order. */
  readonly verbs: readonly TemplateVerb[];
  /**
   * Does the vendor expect a permission for this state? (reference §4: every state "involving user interaction";
   * for Action that is ActionPending, Aborted and Purged, not Executed.)
   */
  readonly userInteraction: boolean;
}

export interface TemplateDef {
  readonly name: TemplateName;
  /** The first state is where the activity starts. */
  readonly states: readonly TemplateState[];
  /** For system templates: the service operation of the `Invoked` state. */
  readonly op?: 'persist' | 'persistOnlyResources' | 'continueWith';
}

/** Save keeps the work item, and so the state, where it is. */
const saveIn = (state: string): TemplateVerb => ({ verb: 'Save', to: state, kind: 'save' });
const purgeable: TemplateState = {
  short: 'Aborted',
  role: 'aborted',
  verbs: [{ verb: 'Purge', to: 'Purged', kind: 'complete' }],
  userInteraction: true,
};
const purged: TemplateState = { short: 'Purged', role: 'purged', verbs: [], userInteraction: true };
const invoked = (): TemplateState => ({
  short: 'Invoked',
  role: 'system',
  // `to` is empty: Invoke leaves the activity for the next declared one (or completes the workflow).
  verbs: [{ verb: 'Invoke', to: '', kind: 'complete' }],
  userInteraction: false,
});

/** The table itself. Order of states and verbs follows reference netwrix §3. */
export const TEMPLATES: Readonly<Record<TemplateName, TemplateDef>> = {
  Action: {
    name: 'Action',
    states: [
      {
        short: 'ActionPending',
        role: 'waiting',
        verbs: [saveIn('ActionPending'), { verb: 'Execute', to: 'Executed', kind: 'complete' }, { verb: 'Abort', to: 'Aborted', kind: 'complete' }],
        userInteraction: true,
      },
      { short: 'Executed', role: 'success', verbs: [], userInteraction: false },
      purgeable,
      purged,
    ],
  },
  ActionWithRefine: {
    name: 'ActionWithRefine',
    states: [
      {
        short: 'ActionPending',
        role: 'waiting',
        verbs: [
          saveIn('ActionPending'),
          { verb: 'Execute', to: 'Executed', kind: 'complete' },
          { verb: 'Delegate', to: 'RefinePending', kind: 'assign' },
          { verb: 'Abort', to: 'Aborted', kind: 'complete' },
        ],
        userInteraction: true,
      },
      { short: 'Executed', role: 'success', verbs: [], userInteraction: false },
      {
        short: 'RefinePending',
        role: 'waiting',
        verbs: [
          saveIn('RefinePending'),
          { verb: 'Delegate', to: 'RefinePending', kind: 'assign' },
          // Decided: the delegate completes the action (docs/decisions/netwrix-templates.md, D2).
          { verb: 'Execute', to: 'Executed', kind: 'complete' },
          { verb: 'Abort', to: 'Aborted', kind: 'complete' },
        ],
        userInteraction: true,
      },
      purgeable,
      purged,
    ],
  },
  Review: {
    name: 'Review',
    states: [
      {
        short: 'ReviewPending',
        role: 'waiting',
        verbs: [
          saveIn('ReviewPending'),
          { verb: 'Approve', to: 'Approved', kind: 'complete' },
          { verb: 'Decline', to: 'Declined', kind: 'complete' },
          { verb: 'Abort', to: 'Aborted', kind: 'complete' },
        ],
        userInteraction: true,
      },
      { short: 'Declined', role: 'declined', verbs: [], userInteraction: false },
      { short: 'Approved', role: 'success', verbs: [], userInteraction: false },
      purgeable,
      purged,
    ],
  },
  ReviewWithFeedback: {
    name: 'ReviewWithFeedback',
    states: [
      {
        short: 'ReviewPending',
        role: 'waiting',
        verbs: [
          saveIn('ReviewPending'),
          { verb: 'Approve', to: 'Approved', kind: 'complete' },
          { verb: 'Decline', to: 'Declined', kind: 'complete' },
          { verb: 'Refine', to: 'RefinePending', kind: 'assign' },
          { verb: 'Abort', to: 'Aborted', kind: 'complete' },
        ],
        userInteraction: true,
      },
      { short: 'Approved', role: 'success', verbs: [], userInteraction: false },
      { short: 'Declined', role: 'declined', verbs: [], userInteraction: false },
      {
        short: 'RefinePending',
        role: 'waiting',
        verbs: [
          saveIn('RefinePending'),
          { verb: 'Delegate', to: 'RefinePending', kind: 'assign' },
          // Feedback given: control returns to the reviewer (reference §3, high confidence).
          { verb: 'Execute', to: 'ReviewPending', kind: 'complete' },
        ],
        userInteraction: true,
      },
      purgeable,
      purged,
    ],
  },
  Persist: { name: 'Persist', states: [invoked()], op: 'persist' },
  PersistOnlyResources: { name: 'PersistOnlyResources', states: [invoked()], op: 'persistOnlyResources' },
  ContinueWith: { name: 'ContinueWith', states: [invoked()], op: 'continueWith' },
};

export function isTemplateName(name: string): name is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(name);
}

/** `ActionWithRefine-ActionPending`. */
export function stateName(template: string, short: string): string {
  return `${template}-${short}`;
}

/** `ActionWithRefine-ActionPending-Execute`. */
export function transitionName(template: string, short: string, verb: string): string {
  return `${template}-${short}-${verb}`;
}

/** Every full state name of every template (23). */
export function allStateNames(): string[] {
  return TEMPLATE_NAMES.flatMap((t) => TEMPLATES[t].states.map((s) => stateName(t, s.short)));
}

/** Every full transition name of every template (30). */
export function allTransitionNames(): string[] {
  return TEMPLATE_NAMES.flatMap((t) => TEMPLATES[t].states.flatMap((s) => s.verbs.map((v) => transitionName(t, s.short, v.verb))));
}

/** Splits a full state name into its template and state, or undefined when no template has it. */
export function parseStateName(full: string): { template: TemplateDef; state: TemplateState } | undefined {
  const dash = full.indexOf('-');
  if (dash < 0) return undefined;
  const t = full.slice(0, dash);
  if (!isTemplateName(t)) return undefined;
  const template = TEMPLATES[t];
  const state = template.states.find((s) => s.short === full.slice(dash + 1));
  return state ? { template, state } : undefined;
}

/** The short state names that exist in any template (for permission paths). */
export function allShortStates(): string[] {
  return [...new Set(TEMPLATE_NAMES.flatMap((t) => TEMPLATES[t].states.map((s) => s.short)))];
}

/** "an ActionWithRefine", "a Review": for messages. */
export function withArticle(template: string): string {
  return `${/^[AEIOU]/.test(template) ? 'an' : 'a'} ${template}`;
}
