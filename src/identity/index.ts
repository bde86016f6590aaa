/**
 * The identity store's public surface: change sets, the planner the Waveset services and Persist share, the rows,
 * the store interfaces and the dated-record sweep (docs/change-sets.md).
 */
export type { ChangeSet, RecordChange, ResourceAddition } from './change-set.js';
export { readNetwrixChangeSet } from './netwrix-change-set.js';
export { validateChangeSet } from './validate-change-set.js';
export { planChangeSet, planChangeSetWithBirthright, BIRTHRIGHT_SOURCE, DEFAULT_RETENTION_MS } from './plan-change-set.js';
export type { BirthrightDelta, PlanContext } from './plan-change-set.js';
export { birthrightAttributes, birthrightFor, birthrightMatches, BirthrightRuleError, parseBirthrightRule } from './birthright.js';
export type { BirthrightEntry, BirthrightRule } from './birthright.js';
export { ChangeSetError, IdentityEmployeeIdTakenError, IdentityLoginTakenError, IdentityNotFoundError } from './change-set-errors.js';
export { parseChangeSetDate, formatDate } from './change-set-dates.js';
export { ATTRIBUTES } from './attribute-catalogue.js';
export type { AttributeSpec, AttributeType } from './attribute-catalogue.js';
export { IdentityOverlay, snapshotAfter } from './identity-overlay.js';
export { accountAttributes, changedAttributes, identityView, presentAttributes } from './identity-view.js';
export type { IdentityView } from './identity-view.js';
export { applyDueRecords, planDueRecord } from './dated-record-sweep.js';
export { planAssignmentEnds, removeEndedAssignments } from './assignment-end-sweep.js';
export { stableId } from './stable-id.js';
export { RECORD_KINDS, RESOURCE_KINDS } from './identity-rows.js';
export type {
  AccountRow,
  AccountState,
  AssignmentProvisioningState,
  AssignmentRow,
  AssignmentWorkflowState,
  IdentityRecordRow,
  IdentityRow,
  IdentityState,
  RecordKind,
  ResourceKind,
  ResourceRow,
} from './identity-rows.js';
export type { AsOf, PersistReads, IdentityFilter, IdentityReader, IdentitySnapshot, IdentityStore, ResourceFilter } from './identity-store.js';
export type { IdentityWrite, IdentityWriteStatus, ProvisioningOrderInsert } from './identity-write.js';
