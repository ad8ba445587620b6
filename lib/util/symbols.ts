/**
 * Symbols for framework-internal members of public classes: code outside the package cannot name them,
 * and they are stripped from the published declarations.
 */

/** `App[listenShared](port, host)`: listen with SO_REUSEPORT whatever the App's own `reusePort` (serve() workers). */
export const listenShared: unique symbol = Symbol('switchboard.listenShared');
