/**
 * Sandboxes: a receiver processes untrusted pointer-rich arguments confined to one region of
 * shared memory (an RPC buffer, any page range of a connection's heap).
 * <p>
 * Two layers. Bounded views ({@link io.rpcool.sandbox.Sandbox}, built into rpc-core): every
 * access to shared data inside a sandbox goes through a {@link io.rpcool.mem.RegionSet} that
 * admits only the region, the call's own buffers and a private scratch area, so a wild or hostile
 * pointer becomes a {@link io.rpcool.sandbox.SandboxViolationException} before any byte is read.
 * Hardware protection ({@link io.rpcool.sandbox.SandboxProvider}, e.g. the MPK provider of the
 * rpc-sandbox module): data heaps and sandbox regions carry memory protection keys and the
 * thread's rights are switched on entry and exit, catching accesses that bypass the views.
 * <p>
 * Servers switch sandboxing on per channel ({@code ChannelOptions.sandboxed(boolean)})
 * or per function ({@code FunctionOptions.sandboxed(boolean)}); a violation becomes a
 * {@code Status.SANDBOX_VIOLATION} reply.
 */
package io.rpcool.sandbox;
