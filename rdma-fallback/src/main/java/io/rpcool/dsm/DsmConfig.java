package io.rpcool.dsm;

/**
 * What both sides of a DSM heap agree on, and how this side behaves.
 *
 * @param address  where the heap maps, page aligned, the same on both sides (inside the
 *                 project's window {@code [0x5000_0000_0000, 0x6000_0000_0000)}).
 * @param size     bytes, a whole number of pages, the same on both sides.
 * @param holdNs   how long a page that just arrived stays before a request of the peer takes it
 *                 back, so the threads that faulted on it get to finish their access (progress
 *                 under contention); {@link #DEFAULT_HOLD_NS} by default.
 * @param silenceNs while pages are requested, a peer not heard from for this long is gone (its
 *                 pages are lost, as when it dies); {@link #DEFAULT_SILENCE_NS} by default. A
 *                 thread waiting for a page holds up its JVM's safepoints, so this also bounds
 *                 how long a silent peer can stall this JVM.
 */
public record DsmConfig(long address, long size, long holdNs, long silenceNs)
{
    /** Half a millisecond: a woken thread on a busy 2-core machine gets scheduled well within it. */
    public static final long DEFAULT_HOLD_NS = 500_000;

    /** Five seconds. */
    public static final long DEFAULT_SILENCE_NS = 5_000_000_000L;

    public DsmConfig
    {
        if (address <= 0 || (address & (DsmHeap.PAGE_SIZE - 1)) != 0)
        {
            throw new IllegalArgumentException("address must be page aligned: 0x" + Long.toHexString(address));
        }
        if (size <= 0 || (size & (DsmHeap.PAGE_SIZE - 1)) != 0)
        {
            throw new IllegalArgumentException("size must be a positive whole number of pages: " + size);
        }
        if (holdNs < 0 || silenceNs <= 0)
        {
            throw new IllegalArgumentException("holdNs must not be negative, silenceNs must be positive: " +
                holdNs + ", " + silenceNs);
        }
    }

    /**
     * @param address  where the heap maps.
     * @param size     bytes.
     * @return a configuration with the default hold and silence times.
     */
    public static DsmConfig of(final long address, final long size)
    {
        return new DsmConfig(address, size, DEFAULT_HOLD_NS, DEFAULT_SILENCE_NS);
    }
}
