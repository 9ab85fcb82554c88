package io.rpcool.mem;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class SharedStringPropertyTest
{
    private final TestMemory memory = new TestMemory();
    private final HeapAllocator heap = memory.heap(4 << 20);

    @Property(tries = 300)
    void shouldRoundTripAnyString(@ForAll final String value)
    {
        final long address = SharedString.allocate(heap, value);
        final SharedString s = new SharedString().wrap(heap.regions(), address);
        final byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        assertEquals(new String(utf8, StandardCharsets.UTF_8), s.toString());
        assertEquals(utf8.length, s.length());
        assertEquals(SharedString.hash(utf8, 0, utf8.length), s.hash());
        assertTrue(s.contentEquals(value));
        assertFalse(s.contentEquals(value + "x"));
        final byte[] scratch = new byte[value.length() * 3];
        assertEquals(utf8.length, Utf8.encode(value, scratch));
        assertArrayEquals(utf8, java.util.Arrays.copyOf(scratch, utf8.length));
        heap.free(address);
    }
}
