import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AlreadyExistsError,
  BusyError,
  ConstraintViolationError,
  InsufficientAccessError,
  InvalidCredentialsError,
  NoSuchObjectError,
  TimeLimitExceededError,
  UnavailableError,
  UnwillingToPerformError,
} from 'ldapts';
import { classifyLdapError } from '../../../src/connectors/ldap/ldap-errors.js';

// What a worker does with an LDAP failure follows from its class: the directory's result codes (ldapts's own error
// classes, as the client throws them) and the socket's errors, mapped to transient or permanent connector codes.

const context = { operation: 'add', dn: 'uid=jdoe,ou=people,dc=example,dc=org' };

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:3389`), { code });
}

describe('classifying LDAP failures', () => {
  it('retries busy, unavailable and unwilling-to-perform directories', () => {
    for (const err of [new BusyError(), new UnavailableError(), new UnwillingToPerformError()]) {
      const classified = classifyLdapError(err, context);
      assert.equal(classified.code, 'CONNECTOR_UNAVAILABLE', err.name);
      assert.equal(classified.transient, true, err.name);
      assert.equal(classified.details['ldapResultCode'], err.code);
    }
  });

  it('retries a refused, reset or lost connection and a time limit', () => {
    for (const err of [socketError('ECONNREFUSED'), socketError('ECONNRESET'), socketError('EAI_AGAIN'), new Error('Connection closed before message response was received. Message type: AddRequest (0x68)')]) {
      const classified = classifyLdapError(err, context);
      assert.equal(classified.code, 'CONNECTOR_UNAVAILABLE', err.message);
      assert.equal(classified.transient, true);
    }
    for (const err of [new TimeLimitExceededError(), new Error('AddRequest: Operation timed out'), new Error('Connection timeout')]) {
      const classified = classifyLdapError(err, context);
      assert.equal(classified.code, 'CONNECTOR_TIMEOUT', err.message);
      assert.equal(classified.transient, true);
    }
  });

  it('stops on refused credentials, a missing entry and every other refusal', () => {
    assert.equal(classifyLdapError(new InvalidCredentialsError(), { operation: 'bind', dn: 'cn=admin,dc=example,dc=org' }).code, 'CONNECTOR_AUTH_FAILED');
    assert.equal(classifyLdapError(new NoSuchObjectError(), context).code, 'CONNECTOR_NOT_FOUND');
    for (const err of [new ConstraintViolationError(), new InsufficientAccessError(), new AlreadyExistsError(), socketError('DEPTH_ZERO_SELF_SIGNED_CERT'), new TypeError('boom')]) {
      const classified = classifyLdapError(err, context);
      assert.equal(classified.transient, false, err.message);
      assert.equal(classified.code, 'CONNECTOR_REJECTED', err.message);
    }
  });

  it('names the operation and the DN in the message', () => {
    assert.match(classifyLdapError(new BusyError(), context).message, /LDAP add of 'uid=jdoe,ou=people,dc=example,dc=org'.*result code 51/);
  });
});
