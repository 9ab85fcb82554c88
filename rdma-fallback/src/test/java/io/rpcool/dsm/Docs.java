package io.rpcool.dsm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.rpcool.mem.Allocator;
import io.rpcool.mem.RegionSet;
import io.rpcool.mem.SharedString;

/**
 * Pointer-rich test data: a record graph for {@code copyFrom}, and a hand-built linked list of nodes
 * {@code [next, value, name]} (name: a {@link SharedString}), each with a digest that does not depend
 * on where the data lies.
 */
final class Docs
{
    static final int NEXT = 0;
    static final int VALUE = 8;
    static final int NAME = 16;
    static final int NODE = 24;

    record Item(String name, long value, List<String> tags)
    {
    }

    record Doc(String id, List<Item> items, Map<String, String> meta)
    {
    }

    private Docs()
    {
    }

    static Doc doc(final int items, final long seed)
    {
        final List<Item> list = new ArrayList<>();
        for (int i = 0; i < items; i++)
        {
            list.add(new Item("item-" + i + "-" + Long.toHexString(seed * 31 + i), seed + i * 7L, List.of("t" + (i % 5), "u" + (i % 3))));
        }
        final Map<String, String> meta = new LinkedHashMap<>();
        meta.put("seed", Long.toString(seed));
        meta.put("kind", "dsm-test");
        return new Doc("doc-" + seed, list, meta);
    }

    static long digest(final Doc doc)
    {
        long h = mix(1, doc.id());
        for (final Item item : doc.items())
        {
            h = mix(h, item.name()) * 31 + item.value();
            for (final String tag : item.tags())
            {
                h = mix(h, tag);
            }
        }
        for (final Map.Entry<String, String> e : new java.util.TreeMap<>(doc.meta()).entrySet())
        {
            h = mix(mix(h, e.getKey()), e.getValue());
        }
        return h;
    }

    /** Build a linked list of {@code n} nodes in {@code heap}, returning its head. */
    static long build(final Allocator heap, final RegionSet regions, final int n, final long seed)
    {
        long head = 0;
        for (int i = n - 1; i >= 0; i--)
        {
            final long node = heap.allocate(NODE);
            regions.putLong(node + NEXT, head);
            regions.putLong(node + VALUE, seed + i);
            regions.putLong(node + NAME, SharedString.allocate(heap, "node " + i + " of " + seed));
            head = node;
        }
        return head;
    }

    /** Digest of a linked list read in place. */
    static long walk(final RegionSet regions, final long head)
    {
        long h = 7;
        for (long node = head; node != 0; node = regions.getLong(node + NEXT))
        {
            h = mix(h * 31 + regions.getLong(node + VALUE), SharedString.read(regions, regions.getLong(node + NAME)));
        }
        return h;
    }

    private static long mix(final long h, final String s)
    {
        long x = h;
        for (final byte b : s.getBytes(StandardCharsets.UTF_8))
        {
            x = (x ^ b) * 0x100000001b3L;
        }
        return x;
    }
}
