package io.rpcool.mem;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple3;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link SharedStringMap} against {@code HashMap}, with a small key alphabet so that keys repeat,
 * collide and are removed from the middle of probe chains.
 */
class SharedStringMapPropertyTest
{
    private final TestMemory memory = new TestMemory();

    @Provide
    Arbitrary<List<Tuple3<Integer, String, Long>>> operations()
    {
        final Arbitrary<String> keys = Arbitraries.oneOf(
            Arbitraries.strings().withChars("abc").ofMaxLength(4),
            Arbitraries.strings().ofMaxLength(20));
        return Arbitraries.integers().between(0, 2)
            .flatMap(op -> keys.flatMap(key -> Arbitraries.longs().map(value -> Tuple.of(op, key, value))))
            .list().ofMaxSize(400);
    }

    @Property(tries = 200)
    void shouldBehaveLikeHashMap(@ForAll("operations") final List<Tuple3<Integer, String, Long>> operations)
    {
        final HeapAllocator heap = memory.freshHeap("heap", 4 << 20);
        final long address = SharedStringMap.allocate(heap, StringMapDescriptor.VALUE_LONG);
        final SharedStringMap map = new SharedStringMap().wrap(heap, address);
        final Map<String, Long> model = new HashMap<>();
        for (final Tuple3<Integer, String, Long> op : operations)
        {
            final String key = op.get2();
            switch (op.get1())
            {
                case 0:
                    assertEquals(!model.containsKey(key), map.put(key, op.get3()));
                    model.put(key, op.get3());
                    break;
                case 1:
                    assertEquals(model.remove(key) != null, map.remove(key));
                    break;
                default:
                    assertEquals(model.containsKey(key), map.containsKey(key));
                    assertEquals(model.getOrDefault(key, -1L), map.get(key, -1L));
            }
            assertEquals(model.size(), map.size());
        }
        final SharedStringMap reader = new SharedStringMap().wrap(heap.regions(), address);
        for (final Map.Entry<String, Long> e : model.entrySet())
        {
            assertEquals(e.getValue(), reader.get(e.getKey(), -1L), e.getKey());
        }
        final Map<String, Long> seen = new HashMap<>();
        reader.forEach((k, v) -> assertNull(seen.put(SharedString.read(heap.regions(), k), v)));
        assertEquals(model, seen);
        assertThrows(IllegalStateException.class, () -> reader.put("x", 1));

        map.free();
        final HeapReport report = heap.validate();
        assertEquals(0, report.allocatedBlocks(), "the map leaked keys or tables");
    }
}
