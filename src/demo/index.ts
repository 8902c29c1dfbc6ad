/** `rotation-kit demo`: one real rotation, locally. Loaded on demand by the CLI (it needs `pg`). */
export { Cleanup } from './cleanup.js';
export type { CleanupResult } from './cleanup.js';
export { renderDemoEvent, renderDemoHeader, renderDemoSummary } from './render.js';
export type {
  DemoCheck,
  DemoCheckId,
  DemoEvent,
  DemoPhase,
  DemoReport,
  DemoStep,
  DemoVersion,
} from './report.js';
export { DemoAbortedError } from './progress.js';
export { DemoRotationFailedError, runDemo } from './run.js';
export type { DemoOptions } from './run.js';
