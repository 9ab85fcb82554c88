package io.rpcool.sandbox.mpk;

import java.util.ArrayList;
import java.util.List;

import io.rpcool.mem.MemoryRegion;
import io.rpcool.sandbox.SandboxDomain;
import io.rpcool.sandbox.ScratchArea;
import io.rpcool.sandbox.ScratchPool;

/**
 * Which protection key guards which page range: RPCool's key scheme. Every data heap carries the
 * shared key; each sandbox key (up to 14 of the 16 that x86 offers: key 0 is the default of all
 * other memory and one key is the shared key) guards the pages of one sandbox region and the
 * scratch areas of the sandboxes that use it.
 * <p>
 * The assignment is a cache. Entering a region that still holds a key (a <em>cached</em> sandbox)
 * costs nothing here: the thread just switches its rights to that key. An <em>uncached</em> region
 * takes a key no thread is using, the least recently used one, and reassigns it: the key's old
 * pages go back to the shared key and the region's pages get the key (two {@code pkey_mprotect}
 * calls). When every key is in use by a thread inside a sandbox, the caller waits until one is
 * released. Threads inside sandboxes over the same page range share its key; a region that lies in
 * no data heap (memory the library does not own is never keyed) gets a key of its own for its
 * scratch, shared with nobody.
 * <p>
 * Pages are the unit of protection: a region's key covers the whole pages it touches (clamped to
 * its heap), neighbours included; the bounded views still confine accesses to the exact region.
 * Another region overlapping those pages waits while the key is in use, and takes the pages over
 * once it is idle.
 */
final class KeyTable
{
    /** What the table drives: the kernel's page keys, the shim's range list and the thread's PKRU. */
    interface Hardware
    {
        void protect(long address, long length, int key);

        void track(long address, long length);

        void untrack(long address);

        int enter(int key);

        long exit(int token);

        long violationAddress();
    }

    private final Hardware hardware;
    private final int sharedKey;
    private final Slot[] slots;
    private final List<MemoryRegion> heaps = new ArrayList<>();
    private long clock;
    private long hits;
    private long reassignments;
    private long waits;

    KeyTable(final Hardware hardware, final int sharedKey, final int[] sandboxKeys, final long scratchSize)
    {
        if (sandboxKeys.length == 0)
        {
            throw new IllegalArgumentException("no sandbox keys");
        }
        this.hardware = hardware;
        this.sharedKey = sharedKey;
        this.slots = new Slot[sandboxKeys.length];
        for (int i = 0; i < slots.length; i++)
        {
            slots[i] = new Slot(sandboxKeys[i], scratchSize);
        }
    }

    /** A data heap appeared: it gets the shared key. */
    synchronized void heapAdded(final MemoryRegion heap)
    {
        hardware.protect(heap.base(), heap.length(), sharedKey);
        hardware.track(heap.base(), heap.length());
        heaps.add(heap);
    }

    /** {@code [address, address + length)} is about to be unmapped: keys forget what lies inside. */
    synchronized void unmapping(final long address, final long length)
    {
        final long end = address + length;
        for (final Slot s : slots)
        {
            if (s.end != 0 && s.start >= address && s.end <= end)
            {
                s.start = 0;
                s.end = 0;
            }
        }
        heaps.removeIf(h ->
        {
            if (h.base() >= address && h.end() <= end)
            {
                hardware.untrack(h.base());
                return true;
            }
            return false;
        });
    }

    /**
     * A key for one entry into a sandbox over {@code region}: the one it holds, or a reassigned
     * one; waits while every key is in use.
     */
    synchronized Slot acquire(final MemoryRegion region)
    {
        final long[] range = pageRange(region);
        boolean waited = false;
        while (true)
        {
            final Slot slot = range == null ? exclusive() : keyFor(range[0], range[1]);
            if (slot != null)
            {
                return slot;
            }
            if (!waited)
            {
                waits++;
                waited = true;
            }
            try
            {
                wait();
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a protection key", e);
            }
        }
    }

    private Slot keyFor(final long start, final long end)
    {
        for (final Slot s : slots)
        {
            if (s.start == start && s.end == end)
            {
                s.users++;
                s.lastUse = ++clock;
                hits++;
                return s;
            }
        }
        for (final Slot s : slots)
        {
            if (s.users > 0 && s.overlaps(start, end))
            {
                return null;
            }
        }
        final Slot victim = idle();
        if (victim == null)
        {
            return null;
        }
        for (final Slot s : slots)
        {
            if (s != victim && s.overlaps(start, end))
            {
                unassign(s);
            }
        }
        unassign(victim);
        hardware.protect(start, end - start, victim.key);
        victim.start = start;
        victim.end = end;
        victim.users = 1;
        victim.lastUse = ++clock;
        reassignments++;
        return victim;
    }

    private Slot exclusive()
    {
        final Slot victim = idle();
        if (victim != null)
        {
            unassign(victim);
            victim.users = 1;
            victim.lastUse = ++clock;
        }
        return victim;
    }

    /** An unused key: one guarding nothing if there is one, else the least recently used. */
    private Slot idle()
    {
        Slot best = null;
        for (final Slot s : slots)
        {
            if (s.users == 0)
            {
                if (s.end == 0)
                {
                    return s;
                }
                if (best == null || s.lastUse < best.lastUse)
                {
                    best = s;
                }
            }
        }
        return best;
    }

    private void unassign(final Slot s)
    {
        if (s.end != 0)
        {
            hardware.protect(s.start, s.end - s.start, sharedKey);
            s.start = 0;
            s.end = 0;
        }
    }

    synchronized void release(final Slot slot)
    {
        if (--slot.users == 0)
        {
            notifyAll();
        }
    }

    /** The whole pages of {@code region}, clamped to its data heap; null if it lies in no data heap. */
    private long[] pageRange(final MemoryRegion region)
    {
        for (final MemoryRegion heap : heaps)
        {
            if (heap.contains(region.base(), region.length()))
            {
                final long start = Math.max(heap.base(), region.base() & -Pkeys.PAGE_SIZE);
                final long end = Math.min(heap.end(), (region.end() + Pkeys.PAGE_SIZE - 1) & -Pkeys.PAGE_SIZE);
                return new long[] {start, end};
            }
        }
        return null;
    }

    synchronized long hits()
    {
        return hits;
    }

    synchronized long reassignments()
    {
        return reassignments;
    }

    synchronized long waits()
    {
        return waits;
    }

    int keys()
    {
        return slots.length;
    }

    /** Key now guarding {@code address}'s page as this table assigned it: a sandbox key, the shared key, or -1. */
    synchronized int keyOf(final long address)
    {
        for (final Slot s : slots)
        {
            if (address >= s.start && address < s.end)
            {
                return s.key;
            }
        }
        for (final MemoryRegion heap : heaps)
        {
            if (heap.contains(address, 1))
            {
                return sharedKey;
            }
        }
        return -1;
    }

    /** One sandbox key: the page range it guards, its users and its scratch areas. */
    final class Slot implements SandboxDomain
    {
        final int key;
        final ScratchPool scratch;
        long start;
        long end;
        int users;
        long lastUse;

        Slot(final int key, final long scratchSize)
        {
            this.key = key;
            this.scratch = new ScratchPool(scratchSize, this::adopt);
        }

        private void adopt(final ScratchArea area)
        {
            synchronized (KeyTable.this)
            {
                hardware.protect(area.region().base(), area.region().length(), key);
                hardware.track(area.region().base(), area.region().length());
            }
        }

        boolean overlaps(final long from, final long to)
        {
            return end != 0 && start < to && from < end;
        }

        @Override
        public ScratchPool scratchPool()
        {
            return scratch;
        }

        @Override
        public long enter()
        {
            return hardware.enter(key) & 0xffff_ffffL;
        }

        @Override
        public long exit(final long token)
        {
            return hardware.exit((int)token);
        }

        @Override
        public long violationAddress()
        {
            return hardware.violationAddress();
        }

        @Override
        public void release()
        {
            KeyTable.this.release(this);
        }

        @Override
        public String describe()
        {
            return "pkey " + key;
        }
    }
}
