export * from './fake-server';
export * from './fake-request';
export * from './fault-queue';
export * from './http-error';
export * from './request-log';
