package io.rpcool.mem;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Vectors against {@code ArrayList}: each operation code picks add, set, removeLast or clear.
 */
class SharedVectorPropertyTest
{
    private final TestMemory memory = new TestMemory();

    @Property(tries = 200)
    void longVectorShouldBehaveLikeArrayList(@ForAll @Size(max = 300) final List<Long> operations)
    {
        final HeapAllocator heap = memory.freshHeap("heap", 1 << 20);
        final SharedLongVector vector = new SharedLongVector().wrap(heap, SharedLongVector.allocate(heap, 0));
        final List<Long> model = new ArrayList<>();
        for (final long op : operations)
        {
            switch (Math.floorMod(op, 10))
            {
                case 0:
                    if (!model.isEmpty())
                    {
                        assertEquals(model.remove(model.size() - 1), vector.removeLast());
                    }
                    break;
                case 1:
                    if (!model.isEmpty())
                    {
                        final int index = Math.floorMod(op >> 8, model.size());
                        model.set(index, op);
                        vector.set(index, op);
                    }
                    break;
                case 2:
                    if (Math.floorMod(op, 100) == 2)
                    {
                        model.clear();
                        vector.clear();
                    }
                    break;
                default:
                    model.add(op);
                    vector.add(op);
            }
            assertEquals(model.size(), vector.size());
        }
        final long[] expected = model.stream().mapToLong(Long::longValue).toArray();
        assertArrayEquals(expected, vector.toLongArray());
        final SharedLongVector reader = new SharedLongVector().wrap(heap.regions(), vector.address());
        for (int i = 0; i < expected.length; i++)
        {
            assertEquals(expected[i], reader.get(i));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> reader.get(expected.length));
        assertThrows(IllegalStateException.class, () -> reader.ensureCapacity(reader.capacity() + 1));
        vector.free();
        assertEquals(0, heap.validate().allocatedBlocks(), "growth leaked element blocks");
    }

    @Property(tries = 100)
    void pointerVectorShouldHoldPointersToStrings(@ForAll @Size(max = 100) final List<String> values)
    {
        final HeapAllocator heap = memory.freshHeap("heap", 1 << 20);
        final long address = SharedPointerVector.allocate(heap, 2);
        final SharedPointerVector vector = new SharedPointerVector().wrap(heap, address);
        for (final String value : values)
        {
            vector.add(value == null ? 0 : SharedString.allocate(heap, value));
        }
        final SharedPointerVector reader = new SharedPointerVector().wrap(heap.regions(), address);
        assertEquals(values.size(), reader.size());
        for (int i = 0; i < values.size(); i++)
        {
            assertEquals(values.get(i), SharedString.read(heap.regions(), reader.get(i)));
        }
        assertThrows(SharedTypeException.class, () -> new SharedLongVector().wrap(heap.regions(), address));
    }
}
