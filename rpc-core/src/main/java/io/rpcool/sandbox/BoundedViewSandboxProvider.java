package io.rpcool.sandbox;

import java.util.Collection;

import io.rpcool.mem.MemoryRegion;

/**
 * Sandboxes protected by bounded views alone: every access through the sandbox's views is checked
 * against its region and scratch, which is complete for code that reads shared memory only through
 * {@link io.rpcool.mem.RegionSet} and the containers built on it. Always available; used when no
 * hardware provider is.
 */
public final class BoundedViewSandboxProvider implements SandboxProvider
{
    private final ScratchPool pool = new ScratchPool(ScratchArea.DEFAULT_SIZE, area -> { });
    private final SandboxDomain domain = new SandboxDomain()
    {
        @Override
        public ScratchPool scratchPool()
        {
            return pool;
        }

        @Override
        public long enter()
        {
            return 0;
        }

        @Override
        public long exit(final long token)
        {
            return 0;
        }

        @Override
        public long violationAddress()
        {
            return 0;
        }

        @Override
        public void release()
        {
        }

        @Override
        public String describe()
        {
            return "bounded views";
        }
    };
    private volatile String hardwareCause = "no hardware sandbox provider on the class path";

    @Override
    public String name()
    {
        return "bounded";
    }

    @Override
    public int priority()
    {
        return 0;
    }

    @Override
    public boolean isAvailable()
    {
        return true;
    }

    @Override
    public Throwable unavailabilityCause()
    {
        return null;
    }

    @Override
    public boolean hardwareProtection()
    {
        return false;
    }

    /** Why no hardware provider is in use, for {@link #describe()}. */
    void hardwareCause(final String cause)
    {
        hardwareCause = cause;
    }

    @Override
    public String describe()
    {
        return "bounded views; hardware layer (MPK) off: " + hardwareCause;
    }

    @Override
    public void start(final Collection<MemoryRegion> dataHeaps)
    {
    }

    @Override
    public void onDataHeapAdded(final MemoryRegion heap)
    {
    }

    @Override
    public void onUnmapping(final long address, final long length)
    {
    }

    @Override
    public SandboxDomain acquire(final MemoryRegion region)
    {
        return domain;
    }
}
