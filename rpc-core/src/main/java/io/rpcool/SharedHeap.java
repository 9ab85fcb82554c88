package io.rpcool;

import java.lang.reflect.Type;
import java.util.function.LongFunction;

import io.rpcool.mem.HeapAllocator;
import io.rpcool.mem.HeapSet;
import io.rpcool.mem.RegionSet;
import io.rpcool.mem.RpcBuffer;
import io.rpcool.mem.SharedMemoryExhaustedException;
import io.rpcool.mem.SharedObjects;
import io.rpcool.mem.TraversalLimits;

/**
 * The data heaps a connection allocates pointer-rich arguments in: one or more heaps mapped at the
 * same address by both ends (and, for a channel that shares its heaps, by every connection of the
 * channel). Allocation is thread-safe and works from either end; when every heap is full the
 * connection asks the daemon for another, which every other party maps before the allocation
 * returns, so a pointer handed out is always readable on the other side. A heap over the quota is
 * refused with the daemon's error.
 *
 * <pre>{@code
 * SharedHeap heap = conn.heap();
 * long doc = heap.copyFrom(new Order("o-1", List.of(new Line("apple", 3))));   // deep copy, one pointer
 * call.request().putLong(0, doc);
 * ...
 * Order o = call.heap().materialize(call.request().getLong(0), Order.class);      // on the server
 * }</pre>
 */
public final class SharedHeap implements io.rpcool.mem.Allocator
{
    private final HeapSet heaps = new HeapSet();
    private final LongFunction<HeapAllocator> grower;
    private final long defaultHeapSize;
    /** Set for a heap kept coherent across memory domains (DSM): checked before each operation; null otherwise. */
    private final RemoteHeapGuard guard;

    SharedHeap(final long defaultHeapSize, final LongFunction<HeapAllocator> grower)
    {
        this(defaultHeapSize, grower, null);
    }

    SharedHeap(final long defaultHeapSize, final LongFunction<HeapAllocator> grower, final RemoteHeapGuard guard)
    {
        this.defaultHeapSize = defaultHeapSize;
        this.grower = grower;
        this.guard = guard;
    }

    void add(final HeapAllocator heap)
    {
        heaps.add(heap);
        io.rpcool.sandbox.Sandboxes.onDataHeapAdded(heap.region());
    }

    /** Every region a pointer of this connection may point into; readers check against it. */
    @Override
    public RegionSet regions()
    {
        return heaps.regions();
    }

    /**
     * Allocate from any heap, adding a heap through the daemon when all are full.
     *
     * @return the address, or {@link #NULL_ADDRESS} if even a new heap cannot hold {@code length}.
     * @throws io.rpcool.daemon.DaemonException if the daemon refuses a new heap (quota).
     */
    /** The largest block a heap can hold (a heap is at most 2 GiB, less its header). */
    static final long MAX_ALLOCATION = (Integer.MAX_VALUE & ~4095L) - 16384;

    @Override
    public long allocate(final long length)
    {
        if (guard != null)
        {
            guard.check();
        }
        if (length > MAX_ALLOCATION)
        {
            // No heap can hold it: refuse without asking the daemon for one.
            return NULL_ADDRESS;
        }
        long address = heaps.allocate(length);
        if (address == 0)
        {
            synchronized (this)
            {
                address = heaps.allocate(length);
                if (address == 0)
                {
                    grow(length);
                    address = heaps.allocate(length);
                }
            }
        }
        return address;
    }

    @Override
    public void free(final long address)
    {
        if (guard != null)
        {
            guard.check();
        }
        heaps.free(address);
    }

    /**
     * A contiguous RPC buffer with its own allocator: reset it to drop everything in it at once.
     */
    public RpcBuffer createBuffer(final long capacity)
    {
        return guard == null ? createBufferUnguarded(capacity) : guard.run(() -> createBufferUnguarded(capacity));
    }

    private RpcBuffer createBufferUnguarded(final long capacity)
    {
        RpcBuffer buffer = RpcBuffer.create(this, capacity);
        if (buffer == null)
        {
            synchronized (this)
            {
                buffer = RpcBuffer.create(this, capacity);
            }
        }
        if (buffer == null)
        {
            throw new SharedMemoryExhaustedException(capacity, "a new heap of this connection (RPC buffer)");
        }
        return buffer;
    }

    /**
     * Deep-copy a Java object graph (records, strings, arrays, lists, maps, enums) into the heap.
     *
     * @return the pointer to the copy, valid in every process that maps the heap.
     */
    public long copyFrom(final Object value)
    {
        return guard == null ? SharedObjects.copyFrom(value, this) : guard.run(() -> SharedObjects.copyFrom(value, this));
    }

    /**
     * Deep-copy a structure another heap holds (another connection's, say) into this one.
     */
    public long copyFrom(final RegionSet source, final long pointer)
    {
        return guard == null ? SharedObjects.copy(source, pointer, this) : guard.run(() -> SharedObjects.copy(source, pointer, this));
    }

    /** Rebuild the Java object at {@code pointer}; every read is checked against {@link #regions()}. */
    public <T> T materialize(final long pointer, final Class<T> type)
    {
        return guard == null ? SharedObjects.materialize(heaps.regions(), pointer, type) :
            guard.run(() -> SharedObjects.materialize(heaps.regions(), pointer, type));
    }

    public Object materialize(final long pointer, final Type type, final TraversalLimits limits)
    {
        return guard == null ? SharedObjects.materialize(heaps.regions(), pointer, type, limits) :
            guard.run(() -> SharedObjects.materialize(heaps.regions(), pointer, type, limits));
    }

    /** The heaps currently mapped. */
    public HeapAllocator[] heaps()
    {
        return heaps.heaps();
    }

    @Override
    public String toString()
    {
        return "SharedHeap" + java.util.Arrays.toString(heaps.heaps());
    }

    private void grow(final long atLeast)
    {
        final long size = Math.max(defaultHeapSize, Math.min(Integer.MAX_VALUE & ~4095L, 2 * Math.min(atLeast, MAX_ALLOCATION) + 16384));
        add(grower.apply(size));
    }
}
