/**
 * idflow: an identity-lifecycle workflow engine.
 *
 * Terminology (see docs/ and the glossary in DESIGN.md):
 * - **TaskDefinition**: a versioned, launchable process definition with its parameters (Waveset dialect), or a
 *   **Workflow** (Netwrix dialect) compiled into the same process model.
 * - **TaskInstance**: one launch of a definition, pinned to the version it was launched from.
 * - **Activity / Action / Transition**: a step, the work inside it, the move to the next step.
 * - **ManualAction / WorkItem**: an action that waits for a person; the item in that person's inbox.
 *
 * ```ts
 * import { loadDefinitionFiles, openRepository, openEngine } from 'idflow';
 *
 * const repository = await openRepository({ db: './idflow.db' });
 * const loaded = await loadDefinitionFiles(['workflows/update-user.xml']);
 * if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
 * await repository.objects.putMany(loaded.objects);
 *
 * const engine = await openEngine({ repository });
 * const { instance, workItems } = await engine.launch({ definition: 'Update User', launcher: 'admin', mode: 'sync' });
 * await engine.decide({ workItemId: workItems[0]!.id, decision: 'approve', actor: 'manager' });
 * ```
 *
 * @packageDocumentation
 */

// Errors
export {
  ConflictError,
  IdflowError,
  InvalidInputError,
  NotAuthorizedError,
  NotFoundError,
  UnsupportedError,
  hasErrorCode,
} from './errors.js';
export type { ErrorDetails } from './errors.js';

// Definitions: loading, diagnostics, the process model
export { DefinitionError, DiagnosticBag, formatDiagnostic } from './definition/diagnostic.js';
export type { Diagnostic, Severity, SourceLocation } from './definition/diagnostic.js';
export { NETWRIX_NAMESPACE, detectDialect, loadDefinitionFiles, loadDocument } from './definition/load.js';
export type { LoadOptions, LoadResult, LoadedObject } from './definition/load.js';
export { readXml } from './definition/xml/xml-reader.js';
export type { XmlReadLimits } from './definition/xml/xml-reader.js';
export type { XmlElement } from './definition/xml/xml-element.js';
export { validateObjects } from './definition/validate/validate-objects.js';
export type { ValidateOptions } from './definition/validate/validate-objects.js';
export * from './definition/model/index.js';

// XPRESS
export { EvaluationBudget, ExpressionError, compileExpression, compileExpressionBody, evaluate, substitute, substituteValue, truthy } from './expression/index.js';
export type { EvaluateLimits, XValue, XpressEnv } from './expression/index.js';

// Repository
export { openRepository } from './repository/open-repository.js';
export type { OpenRepositoryOptions } from './repository/open-repository.js';
export type { Repository } from './repository/repository.js';
export type { ObjectStore, PutStatus, StoredObject, StoredObjectSummary } from './repository/object-store.js';
export type { ProfileAssignResult, ProfileAssignment, ProfileStore } from './repository/profile-store.js';
export type { AuditQuery, AuditQueryStore, HrApply, HrLaunchRecord, HrRunOutcome, HrRunRecord, HrStore } from './repository/hr-store.js';
export {
  HR_ENCODINGS,
  HrFileRefusedError,
  hrThreshold,
  importHrFile,
  HR_BUSY_RETRY_MS,
  launchDueHr,
  loadHrSource,
  parseHrSource,
  planHrRun,
  readHrFile,
} from './connectors/hr/index.js';
export type {
  HrChange,
  HrEncoding,
  HrFile,
  HrImportDeps,
  HrImportRequest,
  HrImportResult,
  HrLaunchReport,
  HrPlan,
  HrPlannedLaunch,
  HrProblem,
  HrProblemKind,
  HrSourceConfig,
  HrTrigger,
} from './connectors/hr/index.js';
export type {
  NotificationFilter,
  NotificationKind,
  NotificationRecord,
  NotificationState,
  NotificationStore,
} from './repository/notification-store.js';
export {
  FATAL_STORAGE_CODES,
  PERMANENT_STORAGE_CODES,
  StorageError,
  TRANSIENT_STORAGE_CODES,
  isDatabaseFault,
  isTransientStorageError,
  mapStorageErrors,
  storageError,
} from './repository/storage-error.js';
export type { StorageErrorCode, StorageErrorMapper } from './repository/storage-error.js';
export { compileRetryPolicy, retryTransient } from './repository/retry-transient.js';
export type { RetryOptions, RetryPolicy } from './repository/retry-transient.js';

// Identities
export { sameSubject, subjectKey } from './identity/subject-key.js';
export * from './identity/index.js';

// Who is calling: the Caller, the one authorisation module, accounts, sessions and tokens
export { localCaller, SYSTEM_CALLER, TOKEN_SCOPES, toCaller } from './access/caller.js';
export type { AccessAction, Authentication, Caller, CallerLike, TokenScope } from './access/caller.js';
export { AccessPolicy, launchPermission, requireAllowed, RESUME_PERMISSION, START_PERMISSION, SUPERVISE_ALL_PERMISSION, SUPERVISE_ENTITY_PREFIX } from './access/authorize.js';
export { approvalKind, fourEyesReason, isApproval } from './access/four-eyes.js';
export type { Refusal, TaskFacts, Verdict } from './access/authorize.js';
export { AccessService } from './access/access-service.js';
export type { AccessServiceOptions, NewToken, SignInLimit, SignedIn } from './access/access-service.js';
export { RateLimitedError, UnauthenticatedError } from './access/access-errors.js';
export { argon2Hashing } from './access/passwords.js';
export type { Argon2Cost, PasswordHashing } from './access/passwords.js';
export type { AccessStore, AccountRecord, SessionRecord, TokenRecord } from './repository/access-store.js';
export type { AbsenceRecord, AbsenceStore, WorkItemHandOver } from './repository/absence-store.js';
export type { AbsenceRequest, AbsenceResult } from './engine/out-of-office.js';

// HTTP API
export { createHttpServer, registeredRoutes } from './http/server.js';
export type { HttpServerOptions, RegisteredRoute } from './http/server.js';

// Engine
export { openEngine } from './engine/engine.js';
export type { RuntimeEngine, RuntimeOptions, TaskPage } from './engine/engine.js';
export { createAclPermissionResolver } from './engine/acl-permission-resolver.js';
export type { AclGrant, AclPermissionResolver, AclRuleIndex, PersonPermissions } from './engine/acl-permission-resolver.js';
export type {
  DecideRequest,
  DecideResult,
  DeleteEndedFilter,
  Engine,
  EngineOptions,
  LaunchRequest,
  LaunchResult,
  PermissionResolver,
  ListOrder,
  TaskFilter,
  TaskInstanceView,
  TaskState,
  WorkItemFilter,
  WorkItemView,
  WorkLimits,
  WorkerRunOptions,
} from './engine/engine-api.js';
export type { WorkerActivity } from './engine/worker-activity.js';
export type {
  Effect,
  ServiceCall,
  ServiceOperation,
  ServiceResult,
  TaskResult,
} from './engine/interpreter/interpreter-types.js';

// Service operations (docs/engine.md, docs/waveset-services.md)
export { createOperationRegistry } from './services/operation-registry.js';
export type { OperationRegistry } from './services/operation-registry.js';
export { WAVESET_OPERATIONS } from './services/waveset-operations.js';
export { LIFECYCLE_OPERATIONS } from './services/lifecycle-operations.js';
export { changeSetOfView, GLOBAL_ATTRIBUTES, userViewOf, WavesetViewError, withViewChanges } from './services/waveset-user-view.js';
export type { ViewChanges } from './services/waveset-user-view.js';
export type { WavesetLookups } from './services/waveset-lookups.js';

// Connectors (docs/connectors/)
export { ACCOUNT_ATTRIBUTE_NAMES, ConnectorError } from './connectors/connector.js';
export type {
  AccountAttributes,
  AccountAttributeValue,
  Connector,
  ConnectorCheck,
  ConnectorFactory,
  ProvisioningOperation,
  ProvisioningOperationKind,
  ProvisioningRequest,
  ProvisioningResult,
} from './connectors/connector.js';
export { ConnectorRegistry, createConnectorRegistry, findConnectorObject, openConnector } from './connectors/connector-registry.js';
export type { ConnectorDefinition, ConnectorEnv } from './connectors/connector-registry.js';
export { ConnectorPool } from './connectors/connector-pool.js';
export { ConnectorSettingsError, SettingsReader } from './connectors/connector-settings.js';
export { scimConnectorFactory } from './connectors/scim/scim-connector.js';
export type { ScimSettings } from './connectors/scim/scim-settings.js';
export { csvConnectorFactory } from './connectors/csv/csv-connector.js';
export type { CsvSettings } from './connectors/csv/csv-settings.js';
// The LDAP connector kind (docs/connectors/ldap.md).
export { ldapConnectorFactory } from './connectors/ldap/ldap-connector-factory.js';
export type { LdapSettings, LdapDisableSettings, LdapTlsSettings } from './connectors/ldap/ldap-settings.js';

// Provisioning (docs/provisioning.md)
export { ProvisioningWorker } from './provisioning/provisioning-worker.js';
export type { ProvisioningRound, ProvisioningWorkerOptions } from './provisioning/provisioning-worker.js';
export type { ProvisioningBackoffOptions } from './provisioning/provisioning-backoff.js';
export { fixedConnectors, repositoryConnectors } from './provisioning/connector-source.js';
export type { ConnectorSource } from './provisioning/connector-source.js';
export { ORDER_STATES, SETTLED_ORDER_STATES } from './provisioning/provisioning-order.js';
export type { ClaimedOrder, NewProvisioningOrder, OrderPayload, OrderResult, OrderState, ProvisioningOrder } from './provisioning/provisioning-order.js';
export { toOrderView } from './provisioning/order-view.js';
export type { ProvisioningOrderView } from './provisioning/order-view.js';
export type { OrderFilter, OrderSettlement, ProvisioningStore } from './repository/provisioning-store.js';
export type { SettledOrder } from './engine/interpreter/interpreter-types.js';

// Email notifications
export { compileMailSettings } from './notifications/mail-settings.js';
export type { CompiledMailSettings, MailSettings, SmtpSecurity, SmtpSettings } from './notifications/mail-settings.js';
export { readMailSettings } from './notifications/read-mail-settings.js';
export { MailWorker } from './notifications/mail-worker.js';
export type { MailRound, MailWorkerOptions } from './notifications/mail-worker.js';
export { settingsAddressBook } from './notifications/recipients.js';
export type { AddressBook, PermissionHolders } from './notifications/recipients.js';
export { smtpTransport } from './notifications/smtp-transport.js';
export type { MailMessage, MailSent, MailTransport } from './notifications/smtp-transport.js';
export { retryNotification } from './notifications/retry-notification.js';
export { MailSendError, MailSettingsError, MailPasswordMissingError, NotificationAlreadySentError, NotificationNotFoundError } from './notifications/mail-errors.js';

// Approvals (docs/approvals.md)
export {
  ApprovalModeError,
  ApprovalSchemeError,
  NoApproverError,
  APPROVAL_MODES,
  parseApprovalMode,
  DEFAULT_SCHEME,
  parseApprovalScheme,
  directoryOver,
  EMPTY_DIRECTORY,
  escalationTarget,
  resolveApprovers,
  isApproving,
} from './approvals/index.js';
export type { ApprovalMode, ApproverSource, ApproverDirectory, ApprovalRequest, ResolvedApprovers, ApprovalDecision, ApprovalOutcome } from './approvals/index.js';
export type { ApprovalModel } from './definition/model/action.js';
