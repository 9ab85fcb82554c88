package io.rpcool.mem;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Structures that a buggy or malicious peer could leave in shared memory: each must give a clear
 * exception, never a crash or a read outside the regions the reader was handed.
 */
class HostileInputTest
{
    private final TestMemory memory = new TestMemory();
    private final HeapAllocator heap = memory.heap(1 << 20);
    private final RegionSet r = heap.regions();

    @Test
    void shouldRejectVectorWhoseSizeRunsPastItsCapacity()
    {
        final long v = SharedLongVector.allocate(heap, new long[]{ 1, 2, 3 }, VectorDescriptor.ROLE_LIST);
        r.putLong(v + VectorDescriptor.SIZE_OFFSET, 1000);
        final SharedLongVector vector = new SharedLongVector();
        assertThrows(MalformedStructureException.class, () -> vector.wrap(r, v));
        assertThrows(MalformedStructureException.class, () -> SharedObjects.materialize(r, v, long[].class));
    }

    @Test
    void shouldRejectVectorWhoseElementsRunPastTheHeap()
    {
        final long v = SharedLongVector.allocate(heap, new long[]{ 1, 2, 3 }, VectorDescriptor.ROLE_LIST);
        r.putLong(v + VectorDescriptor.CAPACITY_OFFSET, 1L << 40);
        r.putLong(v + VectorDescriptor.SIZE_OFFSET, 1L << 40);
        final SharedLongVector vector = new SharedLongVector().wrap(r, v);
        assertEquals(1, vector.get(0));
        assertThrows(SharedMemoryBoundsException.class, () -> vector.get((1L << 40) - 1));
        assertThrows(MalformedStructureException.class, vector::toLongArray);
        r.putLong(v + VectorDescriptor.SIZE_OFFSET, 1L << 20);
        assertThrows(SharedMemoryBoundsException.class, vector::toLongArray);
        r.putLong(v + VectorDescriptor.CAPACITY_OFFSET, Long.MAX_VALUE);
        assertThrows(MalformedStructureException.class, vector::size);
    }

    @Test
    void shouldRejectPointerOutsideEveryHeap()
    {
        final HeapAllocator other = memory.heap(1 << 20);
        final long foreign = SharedString.allocate(other, "secret");
        final long list = SharedObjects.copyFrom(List.of("mine"), heap);
        new SharedPointerVector().wrap(heap, list).add(foreign);
        final SharedMemoryBoundsException ex = assertThrows(SharedMemoryBoundsException.class,
            () -> SharedObjects.materialize(r, list, Object.class));
        assertEquals(foreign, ex.address());
        assertThrows(SharedMemoryBoundsException.class, () -> SharedObjects.copy(r, list, other));
        final HeapSet both = new HeapSet(heap, other);
        assertEquals(List.of("mine", "secret"), SharedObjects.materialize(both.regions(), list, List.class));
        for (final long wild : new long[]{ 1, 8, -8, Long.MIN_VALUE, Long.MAX_VALUE, heap.region().end() - 2 })
        {
            assertThrows(SharedMemoryBoundsException.class, () -> SharedString.read(r, wild));
        }
    }

    @Test
    void shouldRejectWrongTypeTag()
    {
        final long s = SharedString.allocate(heap, "text");
        final long m = SharedStringMap.allocate(heap, StringMapDescriptor.VALUE_LONG);
        final long j = new SharedJson(heap).longNode(1);
        assertThrows(SharedTypeException.class, () -> new SharedLongVector().wrap(r, s));
        assertThrows(SharedTypeException.class, () -> new SharedPointerVector().wrap(r, m));
        assertThrows(SharedTypeException.class, () -> new SharedStringMap().wrap(r, j));
        assertThrows(SharedTypeException.class, () -> new SharedJsonNode().wrap(r, s));
        assertThrows(SharedTypeException.class, () -> new TreeNode().wrap(r, s));
        assertThrows(SharedTypeException.class, () -> SharedObjects.materialize(r, s, Map.class));
        final long zeroed = heap.allocateZeroed(64);
        final SharedTypeException ex = assertThrows(SharedTypeException.class, () -> SharedString.read(r, zeroed));
        assertTrue(ex.getMessage().contains("tag 0"), ex.getMessage());
        r.putInt(s, SharedTypes.STRING + 1);
        assertTrue(assertThrows(SharedTypeException.class, () -> SharedString.read(r, s)).getMessage()
            .contains("newer version"));
    }

    @Test
    void shouldRejectHugeLengths()
    {
        final long s = SharedString.allocate(heap, "abc");
        r.putInt(s + StringDescriptor.LENGTH_OFFSET, Integer.MAX_VALUE);
        assertThrows(SharedMemoryBoundsException.class, () -> SharedString.read(r, s));

        final long bytes = SharedObjects.copyFrom(new byte[]{ 1, 2 }, heap);
        r.putLong(bytes + PrimitiveArrayDescriptor.LENGTH_OFFSET, Long.MAX_VALUE);
        assertThrows(MalformedStructureException.class, () -> SharedObjects.materialize(r, bytes, byte[].class));
        r.putLong(bytes + PrimitiveArrayDescriptor.LENGTH_OFFSET, Integer.MAX_VALUE - 16);
        assertThrows(SharedMemoryBoundsException.class, () -> SharedObjects.materialize(r, bytes, byte[].class));
        assertThrows(SharedMemoryBoundsException.class, () -> SharedObjects.copy(r, bytes, heap));

        final long map = SharedObjects.copyFrom(Map.of("a", 1L), heap);
        r.putLong(map + StringMapDescriptor.CAPACITY_OFFSET, 1L << 40);
        assertThrows(SharedMemoryBoundsException.class, () -> SharedObjects.materialize(r, map, Map.class));
        r.putLong(map + StringMapDescriptor.CAPACITY_OFFSET, 12);
        assertThrows(MalformedStructureException.class, () -> new SharedStringMap().wrap(r, map));

        final long record = SharedObjects.copyFrom(new TestRecord("x", 1), heap);
        r.putInt(record + RecordDescriptor.COUNT_OFFSET, Integer.MAX_VALUE);
        assertThrows(SharedTypeException.class, () -> SharedObjects.materialize(r, record, TestRecord.class));
        assertThrows(MalformedStructureException.class, () -> SharedObjects.copy(r, record, heap));
    }

    record TestRecord(String name, int value)
    {
    }

    @Test
    void shouldRejectFullMapTableInsteadOfProbingForever()
    {
        final long map = SharedStringMap.allocate(heap, StringMapDescriptor.VALUE_LONG);
        final SharedStringMap writer = new SharedStringMap().wrap(heap, map);
        for (int i = 0; i < 4; i++)
        {
            writer.put("k" + i, i);
        }
        final long table = r.getLong(map + StringMapDescriptor.TABLE_OFFSET);
        final long key = r.getLong(table + findUsedSlot(table) * StringMapDescriptor.SLOT_LENGTH);
        for (int i = 0; i < StringMapDescriptor.MIN_CAPACITY; i++)
        {
            r.putLong(table + (long)i * StringMapDescriptor.SLOT_LENGTH, key);
        }
        assertThrows(MalformedStructureException.class, () -> writer.get("absent", -1));
    }

    private long findUsedSlot(final long table)
    {
        for (int i = 0; ; i++)
        {
            if (r.getLong(table + (long)i * StringMapDescriptor.SLOT_LENGTH) != 0)
            {
                return i;
            }
        }
    }

    @Test
    void shouldRejectJsonObjectWhoseChildPointsBackToAnAncestor()
    {
        final SharedJson json = new SharedJson(heap);
        final long root = json.parse("{\"a\":{\"b\":{\"c\":1}}}");
        final SharedJsonNode node = new SharedJsonNode().wrap(r, root);
        final long b = new SharedJsonNode().wrap(r, node.member("a")).member("b");
        json.put(b, "c", root);
        assertThrows(MalformedStructureException.class, () -> SharedJson.toJava(r, root));
        assertThrows(MalformedStructureException.class, () -> SharedObjects.materialize(r, root, Object.class));
    }

    @Test
    void shouldRejectMapValueThatContainsItsMap()
    {
        final long map = SharedObjects.copyFrom(Map.of("self", "placeholder"), heap);
        new SharedStringMap().wrap(heap, map).put("self", map);
        assertThrows(MalformedStructureException.class, () -> SharedObjects.materialize(r, map, Object.class));
        assertThrows(MalformedStructureException.class, () -> SharedObjects.copy(r, map, heap));
    }
}
