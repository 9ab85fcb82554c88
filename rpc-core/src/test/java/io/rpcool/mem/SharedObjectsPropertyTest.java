package io.rpcool.mem;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Deep copies and JSON trees against the Java values they came from.
 */
class SharedObjectsPropertyTest
{
    record Item(String name, long count, double weight, boolean flag, List<String> tags)
    {
    }

    record Basket(int id, List<Item> items, Map<String, Item> byName, long[] history, Item favourite)
    {
    }

    private final TestMemory memory = new TestMemory();

    @Provide
    Arbitrary<Item> items()
    {
        return Combinators.combine(
            Arbitraries.strings().ofMaxLength(12).injectNull(0.1),
            Arbitraries.longs(),
            Arbitraries.doubles(),
            Arbitraries.of(true, false),
            Arbitraries.strings().ofMaxLength(5).list().ofMaxSize(4)).as(Item::new);
    }

    @Provide
    Arbitrary<Basket> baskets()
    {
        final Arbitrary<Item> item = items();
        return Combinators.combine(
            Arbitraries.integers(),
            item.list().ofMaxSize(6),
            Arbitraries.maps(Arbitraries.strings().ofMaxLength(6), item).ofMaxSize(5),
            Arbitraries.longs().array(long[].class).ofMaxSize(10),
            item.injectNull(0.3)).as(Basket::new);
    }

    @Property(tries = 200)
    void recordsShouldSurviveCopyMoveAndMaterialize(@ForAll("baskets") final Basket basket)
    {
        final HeapAllocator heap = memory.freshHeap("heap", 1 << 20);
        final HeapAllocator other = memory.freshHeap("other", 1 << 20);
        final long pointer = SharedObjects.copyFrom(basket, heap);
        assertBasketEquals(basket, SharedObjects.materialize(heap.regions(), pointer, Basket.class));
        final long moved = SharedObjects.copy(heap.regions(), pointer, other);
        assertBasketEquals(basket, SharedObjects.materialize(other.regions(), moved, Basket.class));
    }

    private static void assertBasketEquals(final Basket expected, final Basket actual)
    {
        assertEquals(expected.id(), actual.id());
        assertEquals(expected.items(), actual.items());
        assertEquals(expected.byName(), actual.byName());
        assertArrayEquals(expected.history(), actual.history());
        assertEquals(expected.favourite(), actual.favourite());
    }

    @Provide
    Arbitrary<Object> json()
    {
        return Arbitraries.lazyOf(
            () -> Arbitraries.strings().ofMaxLength(10).map(s -> (Object)s),
            () -> Arbitraries.longs().map(l -> (Object)l),
            () -> Arbitraries.doubles().filter(Double::isFinite).map(d -> (Object)d),
            () -> Arbitraries.of(true, false).map(b -> (Object)b),
            () -> Arbitraries.just(null),
            () -> json().list().ofMaxSize(4).map(l -> (Object)new ArrayList<>(l)),
            () -> Arbitraries.maps(Arbitraries.strings().ofMaxLength(5), json()).ofMaxSize(4)
                .map(m -> (Object)new LinkedHashMap<>(m)));
    }

    @Property(tries = 300)
    void jsonShouldRoundTripThroughJavaAndText(@ForAll("json") final Object value)
    {
        final HeapAllocator heap = memory.freshHeap("heap", 1 << 20);
        final SharedJson json = new SharedJson(heap);
        final long root = json.fromJava(value);
        assertEquals(value, SharedJson.toJava(heap.regions(), root));
        final String text = SharedJson.toJson(heap.regions(), root);
        final long reparsed = json.parse(text);
        assertEquals(value, SharedJson.toJava(heap.regions(), reparsed));
        assertEquals(text, SharedJson.toJson(heap.regions(), reparsed));
        final long moved = SharedObjects.copy(heap.regions(), root, heap);
        assertEquals(value, SharedJson.toJava(heap.regions(), moved));
    }
}
