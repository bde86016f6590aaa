/**
 * The `ldap` connector kind: validates a connector object's settings at import and makes {@link LdapConnector}s
 * from them. The bind password is read from the environment variable `passwordEnv` names when the connector is
 * made, and goes nowhere else (not into errors, details, output or the audit).
 */
import { InvalidInputError } from '../../errors.js';
import type { ConnectorFactory } from '../connector.js';
import { LdapConnector } from './ldap-connector.js';
import { parseLdapSettings, type LdapSettings } from './ldap-settings.js';

export const ldapConnectorFactory: ConnectorFactory<LdapSettings> = {
  kind: 'ldap',
  parseSettings: parseLdapSettings,
  create(name, settings, env) {
    const password = env[settings.passwordEnv];
    if (password === undefined || password === '') {
      throw new InvalidInputError(
        'CONNECTOR_SECRET_MISSING',
        `connector ${name}: the environment variable ${settings.passwordEnv} (its passwordEnv) is not set; it holds the LDAP bind password`,
        { connector: name, env: settings.passwordEnv },
      );
    }
    return new LdapConnector(name, settings, password);
  },
};
