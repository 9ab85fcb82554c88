package io.rpcool.sandbox.mpk;

import java.util.Collection;

import io.rpcool.mem.MemoryRegion;
import io.rpcool.sandbox.ScratchArea;
import io.rpcool.sandbox.SandboxDomain;
import io.rpcool.sandbox.SandboxProvider;

/**
 * Sandboxes protected by memory protection keys as well as bounded views (see {@link KeyTable}
 * for the key scheme and {@link Mpk} for what must hold for it to be used). Registered for
 * {@link java.util.ServiceLoader}; chosen over the bounded-views provider when available.
 */
public final class MpkSandboxProvider implements SandboxProvider
{
    private volatile KeyTable table;

    @Override
    public String name()
    {
        return "mpk";
    }

    @Override
    public int priority()
    {
        return 10;
    }

    @Override
    public boolean isAvailable()
    {
        return Mpk.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause()
    {
        return Mpk.unavailabilityCause();
    }

    @Override
    public boolean hardwareProtection()
    {
        return true;
    }

    @Override
    public String describe()
    {
        if (!Mpk.isAvailable())
        {
            return "mpk unavailable: " + Mpk.unavailabilityCause();
        }
        final SandboxShim shim = Mpk.shim();
        final int[] keys = Mpk.sandboxKeys();
        final KeyTable t = table;
        return "bounded views + MPK protection keys (shared key " + Mpk.sharedKey() + ", " + keys.length +
            " sandbox keys " + keys[0] + "-" + keys[keys.length - 1] + "; SIGSEGV handler " +
            (shim.rpcool_sb_uses_libjsig() != 0 ? "chained through libjsig" : "in front of the JVM's") +
            "; violations " + shim.rpcool_sb_counter(0) + ", key grants " + shim.rpcool_sb_counter(1) +
            (t == null ? "" : ", cached entries " + t.hits() + ", key reassignments " + t.reassignments() +
            ", waits " + t.waits()) + ")";
    }

    @Override
    public synchronized void start(final Collection<MemoryRegion> dataHeaps)
    {
        if (table == null)
        {
            final KeyTable t = new KeyTable(new ShimHardware(Mpk.shim()), Mpk.sharedKey(), Mpk.sandboxKeys(),
                ScratchArea.DEFAULT_SIZE);
            for (final MemoryRegion heap : dataHeaps)
            {
                t.heapAdded(heap);
            }
            table = t;
        }
    }

    @Override
    public void onDataHeapAdded(final MemoryRegion heap)
    {
        table.heapAdded(heap);
    }

    @Override
    public void onUnmapping(final long address, final long length)
    {
        table.unmapping(address, length);
    }

    @Override
    public SandboxDomain acquire(final MemoryRegion region)
    {
        return table.acquire(region);
    }

    /** Entries into a region that still held its key. */
    public long cachedEntries()
    {
        final KeyTable t = table;
        return t == null ? 0 : t.hits();
    }

    /** Keys given to another region ({@code pkey_mprotect} of the new region, and of the old one if any). */
    public long keyReassignments()
    {
        final KeyTable t = table;
        return t == null ? 0 : t.reassignments();
    }

    /** Entries that had to wait for a key. */
    public long keyWaits()
    {
        final KeyTable t = table;
        return t == null ? 0 : t.waits();
    }

    /** Sandbox keys this provider assigns. */
    public int sandboxKeyCount()
    {
        return Mpk.sandboxKeys().length;
    }

    /** The table's key for {@code address} (tests). */
    public int keyOf(final long address)
    {
        return table.keyOf(address);
    }

    private static final class ShimHardware implements KeyTable.Hardware
    {
        private final SandboxShim shim;

        ShimHardware(final SandboxShim shim)
        {
            this.shim = shim;
        }

        @Override
        public void protect(final long address, final long length, final int key)
        {
            Pkeys.protect(address, length, key);
        }

        @Override
        public void track(final long address, final long length)
        {
            if (shim.rpcool_sb_add_range(address, length) != 0)
            {
                throw new IllegalStateException("the shim tracks too many ranges already");
            }
        }

        @Override
        public void untrack(final long address)
        {
            shim.rpcool_sb_remove_range(address);
        }

        @Override
        public int enter(final int key)
        {
            return shim.rpcool_sb_enter(key);
        }

        @Override
        public long exit(final int token)
        {
            return shim.rpcool_sb_exit(token);
        }

        @Override
        public long violationAddress()
        {
            return shim.rpcool_sb_violation_address();
        }
    }
}
