export * from './clock';
export * from './logger';
export * from './state-store';
export * from './notifier';
export * from './redact';
export * from './webhook-url';
export * from './notification-kinds';
