/**
 * Heaps shared between processes in different memory domains through a distributed shared memory
 * found with {@link java.util.ServiceLoader}: {@link io.rpcool.remote.RemoteHeapProvider}.
 */
package io.rpcool.remote;
