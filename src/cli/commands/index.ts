import type { Command } from 'commander';
import { registerAudit } from './audit.js';
import { registerCheck } from './check.js';
import { registerHr } from './hr.js';
import { registerCompletion } from './completion.js';
import { registerConnector } from './connector.js';
import { registerImport } from './import.js';
import { registerInit } from './init.js';
import { registerList } from './list.js';
import { registerMailWorker } from './mail-worker.js';
import { registerNotification } from './notification.js';
import { registerOutOfOffice } from './out-of-office.js';
import { registerProfile } from './profile.js';
import { registerProvisioning } from './provisioning.js';
import { registerIdentity } from './identity.js';
import { registerResource } from './resource.js';
import { registerShow } from './show.js';
import { registerRun } from './run.js';
import { registerSchedule } from './schedule.js';
import { registerServe } from './serve.js';
import { registerTask } from './task.js';
import { registerTasks } from './tasks.js';
import { registerWorker } from './worker.js';
import { registerWorkItem } from './workitem.js';
import { registerWorkItems } from './workitems.js';

/** Adds one subcommand (with its options, help and action) to the `idflow` program. */
export type RegisterCommand = (program: Command) => void;

/**
 * Every `idflow` subcommand, in the order `idflow --help` lists them. To add one, write
 * `commands/<name>.ts` exporting a {@link RegisterCommand} and add one import and one line here.
 */
export const commands: readonly RegisterCommand[] = [
  registerInit,
  registerCheck,
  registerImport,
  registerList,
  registerShow,
  registerRun,
  registerWorkItems,
  registerWorkItem,
  registerTasks,
  registerTask,
  registerWorker,
  registerServe,
  registerMailWorker,
  registerNotification,
  registerSchedule,
  registerProfile,
  registerOutOfOffice,
  registerProvisioning,
  registerIdentity,
  registerResource,
  registerConnector,
  registerHr,
  registerAudit,
  registerCompletion,
];
