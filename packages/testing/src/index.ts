/** @autoscaler/testing: the provider and alarm-source conformance kits, and helpers for wire-level fakes. */
export * from './conformance';
export * from './wire';
export * from './tls';
export { MemoryAlarmSource, MemoryProvider, type MemoryTargetSeed } from '@autoscaler/core';
