export { importHrFile, loadHrSource, planSummary, type HrImportDeps, type HrImportRequest, type HrImportResult } from './hr-import.js';
export { HR_BUSY_RETRY_MS, launchDueHr, type HrLaunchReport } from './hr-launcher.js';
export { readDefaultHrSources, storeDefaultHrSources, type DefaultHrSource } from './default-hr-sources.js';
export { readHrFile, decodeHrBytes, type HrFile, type HrProblem, type HrProblemKind } from './hr-file.js';
export { planHrRun, hrThreshold, type HrPlan, type HrPlannedLaunch, type HrChange } from './hr-plan.js';
export { parseHrSource, HR_ENCODINGS, type HrEncoding, type HrSourceConfig, type HrTrigger } from './hr-source.js';
export { HrFileRefusedError } from './hr-errors.js';
