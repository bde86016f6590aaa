/**
 * Service operations every repository has, under their Waveset WorkflowServices names. They only emit effects,
 * so a replayed step records them again under the same idempotency key.
 * - `audit` / `auditWorkflow`: an AuditEvent; `event` from the `action` (or `type`) argument, all arguments as data.
 * - `notify`: a notification to `to` (a name, an address or a list) with `subject` and `body`.
 * Any other op is unknown until registered (`EngineOptions.operations`): the action fails and sets WF_ACTION_ERROR,
 * as in Waveset. No built-in pretends to be a Waveset op it does not implement.
 */
import type { XValue } from '../expression/env.js';
import type { ServiceOperation } from '../engine/interpreter/interpreter-types.js';

const text = (v: XValue | undefined): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

const audit: ServiceOperation = (call) => {
  const a = call.args;
  const event = typeof a['action'] === 'string' ? a['action'] : typeof a['type'] === 'string' ? a['type'] : 'workflow';
  call.emit({ kind: 'audit', event, actor: call.launcher, data: { ...a, idempotencyKey: call.idempotencyKey } });
  return { values: {} };
};

const notify: ServiceOperation = (call) => {
  const raw = call.args['to'] ?? call.args['toAddress'] ?? null;
  const to = (Array.isArray(raw) ? raw : [raw]).filter((x): x is XValue => x !== null && x !== '').map(text);
  if (to.length === 0) return { error: 'notify needs at least one recipient (argument to)' };
  call.emit({ kind: 'notification', to, subject: text(call.args['subject']), body: text(call.args['body']) });
  return { values: { sent: to.length } };
};

export const BUILTIN_OPERATIONS: Readonly<Record<string, ServiceOperation>> = Object.freeze({
  audit,
  auditWorkflow: audit,
  notify,
});
