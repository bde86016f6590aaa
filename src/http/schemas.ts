/**
 * JSON schemas shared by the routes: requests are validated against them (unknown properties refused), responses
 * serialised through them (nothing leaves that the schema does not name), and the OpenAPI document is built from
 * them.
 */
const anyObject = { type: 'object', additionalProperties: true } as const;
const str = { type: 'string' } as const;
const strList = { type: 'array', items: str } as const;

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'object', required: ['code', 'message', 'details'], properties: { code: str, message: str, details: anyObject } },
  },
} as const;

export const callerSchema = {
  $id: 'Caller',
  type: 'object',
  required: ['person', 'authenticatedBy', 'profiles', 'administrator'],
  properties: { person: str, authenticatedBy: str, profiles: strList, administrator: { type: 'boolean' }, scopes: strList },
} as const;

export const taskSchema = {
  $id: 'TaskInstance',
  type: 'object',
  required: ['id', 'name', 'definition', 'state'],
  properties: {
    id: str,
    name: str,
    definition: { type: 'object', properties: { id: str, type: str, name: str, version: { type: 'integer' } } },
    state: { type: 'string', enum: ['ready', 'executing', 'suspended', 'finished', 'terminated'] },
    waiting: { type: 'boolean' },
    launcher: str,
    subject: str,
    position: strList,
    variables: anyObject,
    result: anyObject,
    steps: { type: 'integer' },
    progress: anyObject,
    history: { type: 'array', items: anyObject },
    createdAt: str,
    updatedAt: str,
    finishedAt: str,
    expiresAt: str,
  },
} as const;

export const workItemSchema = {
  $id: 'WorkItem',
  type: 'object',
  required: ['id', 'instanceId', 'definition', 'activity', 'state'],
  properties: {
    id: str,
    instanceId: str,
    definition: str,
    activity: str,
    owner: { type: ['string', 'null'] },
    permission: str,
    request: str,
    itemType: str,
    decisions: strList,
    variables: anyObject,
    editable: strList,
    dueAt: str,
    state: { type: 'string', enum: ['open', 'decided', 'cancelled', 'timeout'] },
    delegatedFrom: str,
    decision: str,
    decidedBy: str,
    createdAt: str,
  },
} as const;

export const definitionSchema = {
  $id: 'Definition',
  type: 'object',
  required: ['id', 'type', 'name', 'version'],
  properties: { id: str, type: str, name: str, version: { type: 'integer' }, digest: str, sourceFile: str, createdAt: str },
} as const;

export const auditEventSchema = {
  $id: 'AuditEvent',
  type: 'object',
  required: ['id', 'at', 'event'],
  properties: {
    id: { type: 'integer' },
    at: str,
    instanceId: str,
    instanceName: str,
    definitionName: str,
    event: str,
    activity: str,
    actor: str,
    workItemId: str,
    data: anyObject,
  },
} as const;

export const tokenSchema = {
  $id: 'ApiToken',
  type: 'object',
  required: ['id', 'account', 'name', 'scopes', 'createdAt'],
  properties: { id: str, account: str, name: str, scopes: strList, createdAt: str, expiresAt: { type: ['string', 'null'] }, revokedAt: { type: ['string', 'null'] } },
} as const;

export const accountSchema = {
  $id: 'Account',
  type: 'object',
  required: ['name', 'administrator', 'disabled', 'createdAt', 'createdBy'],
  properties: { name: str, administrator: { type: 'boolean' }, disabled: { type: 'boolean' }, passwordSignIn: { type: 'boolean' }, createdAt: str, createdBy: str },
} as const;

export const SHARED_SCHEMAS = [errorSchema, callerSchema, taskSchema, workItemSchema, definitionSchema, auditEventSchema, tokenSchema, accountSchema];

/** `{ items: [<ref>], nextCursor }`. */
export function listOf(ref: string, extra: Record<string, unknown> = {}) {
  return { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: { $ref: `${ref}#` } }, nextCursor: { type: ['string', 'null'] }, ...extra } };
}

export const ref = (id: string) => ({ $ref: `${id}#` });

/** The error responses every route that needs a caller can give. */
export const ERROR_RESPONSES = {
  400: ref('Error'),
  401: ref('Error'),
  403: ref('Error'),
  404: ref('Error'),
  409: ref('Error'),
  429: ref('Error'),
};

export const limitParam = { type: 'integer', minimum: 1, maximum: 500, default: 50 } as const;
export const orderParam = { type: 'string', enum: ['asc', 'desc'], default: 'desc' } as const;
