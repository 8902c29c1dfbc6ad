/**
 * The CLI's commands: one export line each. `main.ts` registers every registration exported here,
 * so adding a command is adding its line.
 */
export { registerServe } from './serve.js';
export { registerDemo } from './demo.js';
export { registerRotate } from './rotate.js';
export { registerStatus } from './status.js';
export { registerRepair } from './repair.js';
