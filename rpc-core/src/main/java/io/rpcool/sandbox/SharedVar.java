package io.rpcool.sandbox;

import io.rpcool.mem.RegionSet;

/**
 * A variable for {@link Sandbox#call}: a structure in shared memory outside the sandbox's region
 * (an object the server keeps in its own heap, say) that the sandboxed code may read. It is
 * deep-copied into the sandbox's scratch area on entry, before the sandbox's protection starts,
 * and {@link SandboxContext#pointerVar(int)} gives the copy's address.
 *
 * @param source  the regions the structure lies in (trusted by the caller).
 * @param pointer the structure's address, as {@link io.rpcool.mem.SharedObjects} writes them.
 */
public record SharedVar(RegionSet source, long pointer)
{
}
