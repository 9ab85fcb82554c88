package io.rpcool.sandbox;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Scratch areas of one protection domain, reused from one sandbox entry to the next. An area is
 * created on demand (when more threads are inside the domain at once than it has areas) and
 * handed to {@code onCreate} first, which is where a hardware layer gives it the domain's key.
 */
public final class ScratchPool
{
    private final long areaSize;
    private final Consumer<ScratchArea> onCreate;
    private final ArrayDeque<ScratchArea> free = new ArrayDeque<>();
    private int created;

    public ScratchPool(final long areaSize, final Consumer<ScratchArea> onCreate)
    {
        this.areaSize = areaSize;
        this.onCreate = onCreate;
    }

    /** An area for one sandbox entry, empty and zeroed. */
    public ScratchArea take()
    {
        synchronized (this)
        {
            final ScratchArea area = free.pollFirst();
            if (area != null)
            {
                return area;
            }
            created++;
        }
        final ScratchArea area = ScratchArea.map(areaSize);
        onCreate.accept(area);
        return area;
    }

    /** Give back an area that {@link ScratchArea#discard()} emptied. */
    public synchronized void give(final ScratchArea area)
    {
        free.addFirst(area);
    }

    /** Areas this pool has mapped so far. */
    public synchronized int created()
    {
        return created;
    }

    /** Apply {@code action} to every idle area (a hardware layer re-keying them). */
    public synchronized void forEachIdle(final Consumer<ScratchArea> action)
    {
        free.forEach(action);
    }
}
