package io.rpcool.sandbox;

/**
 * What a {@link SandboxProvider} gives a sandbox for one entry: the protection of its region and
 * its scratch memory. Obtained with {@link SandboxProvider#acquire}, used by one thread for one
 * enter/exit pair, then {@link #release() released}.
 */
public interface SandboxDomain
{
    /** Scratch areas of this domain (already under its protection). */
    ScratchPool scratchPool();

    /**
     * Switch the calling thread into the domain: from now on it may touch the domain's region and
     * scratch, and no other memory the provider protects.
     *
     * @return what {@link #exit(long)} needs to switch back.
     */
    long enter();

    /**
     * Switch the calling thread back to what it had before {@link #enter()}.
     *
     * @param token returned by {@link #enter()}.
     * @return the number of protection faults the thread took inside (0 if none).
     */
    long exit(long token);

    /** Address of the first protection fault of the calling thread's last entry. */
    long violationAddress();

    /** The calling thread is done with the domain; the provider may give its protection to another region. */
    void release();

    /** What protects the region, for messages (e.g. {@code "pkey 5"}). */
    String describe();
}
