export * from './replica-calculator';
export * from './behavior';
