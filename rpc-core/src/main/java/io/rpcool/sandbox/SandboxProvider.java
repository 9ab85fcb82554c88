package io.rpcool.sandbox;

import java.util.Collection;

import io.rpcool.mem.MemoryRegion;

/**
 * Extension point for the protection behind sandboxes, found with {@link java.util.ServiceLoader}.
 * Every sandbox confines reads and writes to its region through bounded views (see
 * {@link Sandbox}); a provider adds what holds when code bypasses the views. The built-in
 * {@link BoundedViewSandboxProvider} adds nothing and is always available; a hardware provider
 * (memory protection keys) gives the shared data heaps and each sandbox's region keys and switches
 * the thread's access rights on entry and exit.
 * <p>
 * {@link Sandboxes#provider()} picks the available provider with the highest
 * {@link #priority()}. Shaped like Netty's {@code Epoll}: availability is data, with its cause.
 */
public interface SandboxProvider
{
    /** Short name, e.g. {@code "mpk"}; the property {@code rpcool.sandbox.provider} can pin one. */
    String name();

    /** Higher wins among available providers. */
    int priority();

    boolean isAvailable();

    /** Why {@link #isAvailable()} is false, or null. */
    Throwable unavailabilityCause();

    /** True if accesses that bypass the views are caught too. */
    boolean hardwareProtection();

    /** One line for logs and {@code rpcool stat}. */
    String describe();

    /**
     * Called once, before the first sandbox is entered, with the data heaps this process maps.
     */
    void start(Collection<MemoryRegion> dataHeaps);

    /** A data heap was mapped (after {@link #start}). */
    void onDataHeapAdded(MemoryRegion heap);

    /** {@code [address, address + length)} is about to be unmapped: forget anything inside it. */
    void onUnmapping(long address, long length);

    /**
     * Protection for one entry into a sandbox over {@code region}. May wait until protection is
     * free (a provider with a fixed number of hardware keys); never call it from inside a sandbox.
     */
    SandboxDomain acquire(MemoryRegion region);
}
