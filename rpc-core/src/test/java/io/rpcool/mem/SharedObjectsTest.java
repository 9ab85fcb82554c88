package io.rpcool.mem;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SharedObjectsTest
{
    enum Status
    {
        NEW, PAID, SHIPPED
    }

    record Address(String street, int number)
    {
    }

    record Line(String sku, long quantity, double price)
    {
    }

    record Order(
        long id,
        boolean express,
        char grade,
        byte priority,
        short region,
        float discount,
        Status status,
        Address address,
        List<Line> lines,
        Map<String, Long> counters,
        Map<Integer, String> notes,
        Set<String> tags,
        long[] stamps,
        int[] sizes,
        byte[] blob,
        String[] aliases,
        Integer maybe,
        Object anything)
    {
    }

    record Node(String name, Node next)
    {
    }

    record Validated(int positive)
    {
        Validated
        {
            if (positive <= 0)
            {
                throw new IllegalArgumentException("must be positive");
            }
        }
    }

    record Other(String street, int number)
    {
    }

    private final TestMemory memory = new TestMemory();
    private final HeapAllocator heap = memory.heap(8 << 20);

    private static Order sampleOrder()
    {
        final Map<Integer, String> notes = new HashMap<>();
        notes.put(1, "fragile");
        notes.put(2, null);
        return new Order(42, true, 'A', (byte)-3, (short)300, 0.25f, Status.PAID,
            new Address("Main St", 12),
            List.of(new Line("apple", 3, 0.5), new Line("pear", 1, 0.75)),
            Map.of("views", 10L, "likes", 2L),
            notes,
            new LinkedHashSet<>(List.of("x", "y")),
            new long[]{ 1, 2, 3 }, new int[]{ -1, 7 }, new byte[]{ 9, 8, 7 },
            new String[]{ "a", null, "c" },
            null,
            List.of("free", 1L, 2.5, Map.of("k", true)));
    }

    private static void assertOrderEquals(final Order expected, final Order actual)
    {
        assertEquals(expected.id(), actual.id());
        assertEquals(expected.express(), actual.express());
        assertEquals(expected.grade(), actual.grade());
        assertEquals(expected.priority(), actual.priority());
        assertEquals(expected.region(), actual.region());
        assertEquals(expected.discount(), actual.discount());
        assertEquals(expected.status(), actual.status());
        assertEquals(expected.address(), actual.address());
        assertEquals(expected.lines(), actual.lines());
        assertEquals(expected.counters(), actual.counters());
        assertEquals(expected.notes(), actual.notes());
        assertEquals(expected.tags(), actual.tags());
        assertArrayEquals(expected.stamps(), actual.stamps());
        assertArrayEquals(expected.sizes(), actual.sizes());
        assertArrayEquals(expected.blob(), actual.blob());
        assertArrayEquals(expected.aliases(), actual.aliases());
        assertEquals(expected.maybe(), actual.maybe());
        assertEquals(expected.anything(), actual.anything());
    }

    @Test
    void shouldRoundTripARecordGraph()
    {
        final Order order = sampleOrder();
        final long pointer = SharedObjects.copyFrom(order, heap);
        assertTrue(heap.region().contains(pointer, 8));
        assertOrderEquals(order, SharedObjects.materialize(heap.regions(), pointer, Order.class));
    }

    @Test
    void shouldStoreReadableContainersWithAbsolutePointers()
    {
        final long pointer = SharedObjects.copyFrom(sampleOrder(), heap);
        final RegionSet r = heap.regions();
        final int slots = RecordDescriptor.slotsOffset(18);
        final long addressPointer = r.getLong(pointer + slots + 8 * 7);
        assertTrue(heap.region().contains(addressPointer, 8), "record slots hold absolute addresses");
        final long counters = r.getLong(pointer + slots + 8 * 9);
        final SharedStringMap map = new SharedStringMap().wrap(r, counters);
        assertEquals(10L, SharedObjects.materialize(r, map.get("views"), Long.class));
        final long stamps = r.getLong(pointer + slots + 8 * 12);
        assertEquals(3, new SharedLongVector().wrap(r, stamps).get(2));
    }

    @Test
    void shouldCopyBetweenHeapsWithoutJavaClasses()
    {
        final Order order = sampleOrder();
        final long pointer = SharedObjects.copyFrom(order, heap);
        final HeapAllocator other = memory.heap(8 << 20);
        final long copy = SharedObjects.copy(heap.regions(), pointer, other);
        assertTrue(other.region().contains(copy, 8));
        heap.regions().setMemory(heap.region().base() + DataHeapDescriptor.HEADER_LENGTH,
            heap.region().length() - DataHeapDescriptor.HEADER_LENGTH, (byte)0);
        assertOrderEquals(order, SharedObjects.materialize(other.regions(), copy, Order.class));
    }

    @Test
    void shouldCopyIntoAnRpcBufferAndMaterializeConfinedToIt()
    {
        final RpcBuffer buffer = RpcBuffer.create(heap, 64 * 1024);
        final Order order = sampleOrder();
        final long pointer = SharedObjects.copyFrom(order, buffer);
        assertOrderEquals(order, SharedObjects.materialize(buffer.regions(), pointer, Order.class));
        buffer.reset();
        assertEquals(0, buffer.used());
    }

    @Test
    void shouldMaterializeGenericTypesAndObjects() throws Exception
    {
        final List<Map<String, List<Long>>> value = List.of(Map.of("a", List.of(1L, 2L)), Map.of());
        final long pointer = SharedObjects.copyFrom(value, heap);
        final Type type = SharedObjectsTest.class.getDeclaredField("genericShape").getGenericType();
        assertEquals(value, SharedObjects.materialize(heap.regions(), pointer, type, TraversalLimits.DEFAULT));
        assertEquals(value, SharedObjects.materialize(heap.regions(), pointer, Object.class));
        assertEquals(List.of(Status.NEW, Status.SHIPPED), SharedObjects.materialize(heap.regions(),
            SharedObjects.copyFrom(List.of(Status.NEW, Status.SHIPPED), heap),
            SharedObjectsTest.class.getDeclaredField("enumShape").getGenericType(), TraversalLimits.DEFAULT));
        assertEquals("hi", SharedObjects.materialize(heap.regions(), SharedObjects.copyFrom("hi", heap), String.class));
        assertEquals(7, SharedObjects.materialize(heap.regions(), SharedObjects.copyFrom(7, heap), int.class));
        assertNull(SharedObjects.materialize(heap.regions(), Allocator.NULL_ADDRESS, String.class));
    }

    @SuppressWarnings("unused")
    private List<Map<String, List<Long>>> genericShape;
    @SuppressWarnings("unused")
    private List<Status> enumShape;

    @Test
    void shouldShareObjectsReachableTwice()
    {
        final Address shared = new Address("Elm", 1);
        final List<Address> twice = List.of(shared, shared);
        final long pointer = SharedObjects.copyFrom(twice, heap);
        final SharedPointerVector vector = new SharedPointerVector().wrap(heap.regions(), pointer);
        assertEquals(vector.get(0), vector.get(1));
        final Object[] back = SharedObjects.materialize(heap.regions(), pointer, Address[].class);
        assertSame(back[0], back[1]);
    }

    @Test
    void shouldRejectCyclicJavaInputAndUnsupportedTypes()
    {
        final List<Object> self = new ArrayList<>();
        self.add(self);
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> SharedObjects.copyFrom(self, heap));
        assertTrue(ex.getMessage().contains("cycle"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SharedObjects.copyFrom(new Object(), heap));
        assertThrows(IllegalArgumentException.class, () -> SharedObjects.copyFrom(new StringBuilder("x"), heap));
    }

    @Test
    void shouldRejectReadingARecordAsAnotherClass()
    {
        final long pointer = SharedObjects.copyFrom(new Address("Main", 1), heap);
        final SharedTypeException ex = assertThrows(SharedTypeException.class,
            () -> SharedObjects.materialize(heap.regions(), pointer, Other.class));
        assertTrue(ex.getMessage().contains("is not a"), ex.getMessage());
        assertThrows(SharedTypeException.class, () -> SharedObjects.materialize(heap.regions(), pointer, String.class));
        assertThrows(SharedTypeException.class, () -> SharedObjects.materialize(heap.regions(), pointer, Object.class));
        assertThrows(SharedTypeException.class, () -> SharedObjects.materialize(heap.regions(),
            SharedObjects.copyFrom(5L, heap), Integer.class));
        assertThrows(SharedTypeException.class, () -> SharedObjects.materialize(heap.regions(),
            SharedObjects.copyFrom("BOGUS", heap), Status.class));
    }

    @Test
    void shouldReportARecordThatRejectsItsSharedContents()
    {
        final long pointer = SharedObjects.copyFrom(new Validated(5), heap);
        final RegionSet r = heap.regions();
        r.putLong(pointer + RecordDescriptor.slotsOffset(1), -1);
        assertThrows(SharedMemoryException.class, () -> SharedObjects.materialize(r, pointer, Validated.class));
    }

    @Test
    void shouldDetectALinkedListThatLoopsBack()
    {
        final long pointer = SharedObjects.copyFrom(new Node("a", new Node("b", new Node("c", null))), heap);
        final RegionSet r = heap.regions();
        final int slots = RecordDescriptor.slotsOffset(2);
        final long second = r.getLong(pointer + slots + 8);
        final long third = r.getLong(second + slots + 8);
        r.putLong(third + slots + 8, pointer);
        final MalformedStructureException ex = assertThrows(MalformedStructureException.class,
            () -> SharedObjects.materialize(r, pointer, Node.class));
        assertTrue(ex.getMessage().contains("cycle"), ex.getMessage());
    }

    @Test
    void shouldBoundDepthOfALongChain()
    {
        Node node = null;
        for (int i = 0; i < 400; i++)
        {
            node = new Node("n" + i, node);
        }
        final long pointer = SharedObjects.copyFrom(node, heap);
        assertEquals(node, SharedObjects.materialize(heap.regions(), pointer, Node.class));
        assertThrows(MalformedStructureException.class, () -> SharedObjects.materialize(heap.regions(), pointer,
            Node.class, new TraversalLimits(100, 1000)));
        assertThrows(MalformedStructureException.class, () -> SharedObjects.materialize(heap.regions(), pointer,
            Node.class, new TraversalLimits(1000, 100)));
    }

    @Test
    void shouldCopyPrimitiveArraysOfEveryKind()
    {
        final Object[] arrays = {
            new boolean[]{ true, false }, new byte[]{ 1, -1 }, new short[]{ 300, -300 }, new char[]{ 'x', '\u20ac' },
            new int[]{ Integer.MIN_VALUE, 5 }, new long[]{ Long.MAX_VALUE }, new float[]{ 1.5f, Float.NaN },
            new double[]{ -0.0, Double.MAX_VALUE } };
        for (final Object array : arrays)
        {
            final long pointer = SharedObjects.copyFrom(array, heap);
            final Object back = SharedObjects.materialize(heap.regions(), pointer, array.getClass());
            assertTrue(Arrays.deepEquals(new Object[]{ array }, new Object[]{ back }), array.getClass().getName());
            final long moved = SharedObjects.copy(heap.regions(), pointer, heap);
            assertTrue(Arrays.deepEquals(new Object[]{ array },
                new Object[]{ SharedObjects.materialize(heap.regions(), moved, array.getClass()) }));
        }
    }
}
