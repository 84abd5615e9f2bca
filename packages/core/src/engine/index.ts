export { decide } from './decide';
export { findStep, roundPercentChange, applyAdjustment } from './step';
export { scheduleActive, effectiveBounds, type EffectiveBounds } from './schedule';
export { neighbourSize, sizeRank } from './size-ladder';
export { applyMetricsFallback } from './fallback';
