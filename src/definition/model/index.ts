export type { Expr } from './expression.js';
export type { VariableDecl } from './variable.js';
export type {
  ActionModel,
  ArgumentModel,
  DecisionModel,
  ExpressionActionModel,
  ManualActionActionModel,
  ManualActionModel,
  OwnerModel,
  ReturnModel,
  ServiceActionModel,
  SubprocessActionModel,
} from './action.js';
export type { TransitionModel } from './transition.js';
export { AspectKinds } from './aspect.js';
export type { AspectKind, AspectModel, NotificationRecipientModel, PointCutModel } from './aspect.js';
export type { ActivityModel, TemplateStateModel } from './activity.js';
export type { ProcessModel } from './process.js';
export { DEFAULT_TASK_PARAMETERS } from './task-parameters.js';
export type { TaskParameters } from './task-parameters.js';
export { ObjectTypes } from './objects.js';
export type {
  AccessControlRuleObject,
  AspectObject,
  ConfigurationObject,
  ConnectorObject,
  ConnectorSettingValue,
  DefinitionObject,
  NetwrixActivityDecl,
  ObjectType,
  ProcessObject,
  RuleObject,
  TaskDefinitionObject,
  TaskScheduleObject,
  WorkflowObject,
} from './objects.js';
