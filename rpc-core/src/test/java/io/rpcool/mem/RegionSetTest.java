package io.rpcool.mem;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class RegionSetTest
{
    private final TestMemory memory = new TestMemory();

    @Test
    void shouldAllowAccessesInsideAndRejectAccessesStraddlingTheEdges()
    {
        final MemoryRegion region = memory.region("r", 4096);
        final RegionSet set = RegionSet.of(region);
        set.putLong(region.base(), 7);
        set.putLong(region.end() - 8, 9);
        assertEquals(7, set.getLong(region.base()));
        assertEquals(9, set.getLong(region.end() - 8));

        final SharedMemoryBoundsException ex =
            assertThrows(SharedMemoryBoundsException.class, () -> set.getLong(region.end() - 4));
        assertEquals(region.end() - 4, ex.address());
        assertEquals(8, ex.length());
        assertTrue(ex.getMessage().contains("r[0x"), ex.getMessage());
        assertThrows(SharedMemoryBoundsException.class, () -> set.getByte(region.base() - 1));
        assertThrows(SharedMemoryBoundsException.class, () -> set.getLong(0));
        assertThrows(SharedMemoryBoundsException.class, () -> set.getLong(Long.MAX_VALUE - 2));
        assertThrows(SharedMemoryBoundsException.class, () -> set.getLong(Long.MIN_VALUE));
        assertThrows(SharedMemoryBoundsException.class, () -> set.getLong(-8));
        assertThrows(SharedMemoryBoundsException.class, () -> set.setMemory(region.base(), 4097, (byte)0));
        assertThrows(SharedMemoryBoundsException.class, () -> set.setMemory(region.base(), -1, (byte)0));
        assertThrows(SharedMemoryBoundsException.class, () -> set.getStringUtf8(region.base(), Integer.MAX_VALUE));
        assertThrows(SharedMemoryBoundsException.class, () -> set.copyMemory(region.base(), region.base() + 8, 4090));
    }

    @Test
    void shouldRejectMisalignedAtomics()
    {
        final MemoryRegion region = memory.region("r", 4096);
        final RegionSet set = RegionSet.of(region);
        assertThrows(SharedMemoryBoundsException.class, () -> set.compareAndSetLong(region.base() + 4, 0, 1));
        assertTrue(set.compareAndSetLong(region.base() + 8, 0, 1));
        assertEquals(1, set.getAndAddLong(region.base() + 8, 5));
        assertEquals(6, set.getLongVolatile(region.base() + 8));
    }

    @Test
    void shouldNotLetAnAccessSpanTwoAdjacentRegions()
    {
        final MemoryRegion whole = memory.region("whole", 8192);
        final MemoryRegion low = whole.slice("low", whole.base(), 4096);
        final MemoryRegion high = whole.slice("high", whole.base() + 4096, 4096);
        final RegionSet set = RegionSet.of(low, high);
        set.getLong(whole.base() + 4088);
        set.getLong(whole.base() + 4096);
        assertThrows(SharedMemoryBoundsException.class, () -> set.getLong(whole.base() + 4092));
        assertSame(high, set.regionOf(whole.base() + 5000, 8));
    }

    @Test
    void shouldGrowAndShrinkWithHeaps()
    {
        final MemoryRegion a = memory.region("a", 4096);
        final MemoryRegion b = memory.region("b", 4096);
        final RegionSet set = RegionSet.of(a);
        assertFalse(set.contains(b.base(), 8));
        set.add(b);
        assertTrue(set.contains(b.base(), 8));
        assertTrue(set.remove(b));
        assertFalse(set.remove(b));
        assertThrows(SharedMemoryBoundsException.class, () -> set.getLong(b.base()));
    }

    @Test
    void shouldRejectInvalidRegions()
    {
        assertThrows(IllegalArgumentException.class, () -> new MemoryRegion("zero", 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new MemoryRegion("empty", 4096, 0));
        assertThrows(IllegalArgumentException.class, () -> new MemoryRegion("wrap", Long.MAX_VALUE - 4, 10));
        final MemoryRegion region = memory.region("r", 4096);
        assertThrows(SharedMemoryBoundsException.class, () -> region.slice("s", region.base() + 4000, 200));
    }
}
