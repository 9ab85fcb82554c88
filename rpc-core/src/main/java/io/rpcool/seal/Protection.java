package io.rpcool.seal;

/**
 * What protected the request a handler reads from changes by its client.
 */
public enum Protection
{
    /** Nothing: the client could change the request while the handler reads it. */
    NONE,
    /** The handler reads a private copy (made by the server, or received over TCP). */
    COPY,
    /** Sealed with mprotect by the client: safe from a buggy client, not from a malicious one. */
    MPROTECT_SEAL,
    /** Sealed by the kernel module: no process can change the request until the seal is released. */
    KERNEL_SEAL;

    /** True for a seal the server verified (of either kind). */
    public boolean isSealed()
    {
        return this == MPROTECT_SEAL || this == KERNEL_SEAL;
    }

    /** True if even a malicious client cannot change what the handler reads. */
    public boolean isEnforced()
    {
        return this == KERNEL_SEAL || this == COPY;
    }
}
