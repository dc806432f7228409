// Loaded into the fuzzed child with NODE_OPTIONS="--expose-gc --require …" (test only): SIGUSR2
// runs a full collection, so the test reads the heap that is really kept, not garbage not yet collected.
process.on('SIGUSR2', () => global.gc && global.gc());
