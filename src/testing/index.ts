/** `rotation-kit/testing`: test your own rotations and adapters the way AWS runs them. */
export { ConformanceError, PUNCTUATION, adapterConformanceCases } from './conformance.js';
export type { ConformanceCase, ConformanceTarget } from './conformance.js';
export { UNREACHABLE_HOST, createMemoryAdapter } from './memory-adapter.js';
export type { MemoryAdapter, MemoryUser } from './memory-adapter.js';
export { FaultPoint, InjectedFaultError, adapterWithFaults } from './faults.js';
export type { Fault } from './faults.js';
export { RotationHarness, createRotationHarness } from './harness.js';
export type {
  HandlerDependencies,
  InvocationResult,
  RotationHarnessOptions,
  SecretSnapshot,
} from './harness.js';
export { callsByStep, countCalls } from './call-counter.js';
export type { CountedCall } from './call-counter.js';
