import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../server.js';
import { registerAccountRoutes } from './accounts.js';
import { registerAuditRoutes } from './audit.js';
import { registerDefinitionRoutes } from './definitions.js';
import { registerHrRoutes } from './hr-runs.js';
import { registerIdentityRoutes } from './identities.js';
import { registerImportRoutes } from './imports.js';
import { registerOutOfOfficeRoutes } from './out-of-office.js';
import { registerProfileRoutes } from './profiles.js';
import { registerProvisioningRoutes } from './provisioning.js';
import { registerSessionRoutes } from './session.js';
import { registerTaskRoutes } from './tasks.js';
import { registerTokenRoutes } from './tokens.js';
import { registerWorkItemRoutes } from './workitems.js';

/** Every route under /api/v1. A new group is a file here plus a line; each route declares `config.access`. */
export function registerRoutes(api: FastifyInstance, deps: RouteDeps): void {
  registerSessionRoutes(api, deps);
  registerDefinitionRoutes(api, deps);
  registerTaskRoutes(api, deps);
  registerWorkItemRoutes(api, deps);
  registerProfileRoutes(api, deps);
  registerOutOfOfficeRoutes(api, deps);
  registerAuditRoutes(api, deps);
  registerTokenRoutes(api, deps);
  registerAccountRoutes(api, deps);
  registerIdentityRoutes(api, deps);
  registerImportRoutes(api, deps);
  registerProvisioningRoutes(api, deps);
  registerHrRoutes(api, deps);
}
