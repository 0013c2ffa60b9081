// Every custom message between client and server, defined once. Method names use the floe/ prefix.
export * from './status';
export * from './compiledSql';
export * from './results';
export * from './explorer';
export * from './run';
export * from './dataTests';
export * from './lineage';
export * from './packages';
export * from './columnLineage';
