export * from './config';
export * from './errors';
export * from './hardware';
export * from './kernel';
export * from './plugin';
export * from './system';
export * from './tokens';
export * from './version';
