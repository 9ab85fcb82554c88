/**
 * librpcool: shared-memory RPC for the JVM.
 */
package io.rpcool;
