package io.rpcool.daemon;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.rpcool.TestDirs;
import io.rpcool.idle.IdleLevels;

class DaemonUnitTest
{
    @Test
    void shouldPickTheWaitingModeFromLoadThresholds()
    {
        assertEquals(IdleLevels.SPIN, LoadSampler.level(0.10, 0.20, 0.30));
        assertEquals(IdleLevels.SLEEP, LoadSampler.level(0.20, 0.20, 0.30));
        assertEquals(IdleLevels.SLEEP, LoadSampler.level(0.29, 0.20, 0.30));
        assertEquals(IdleLevels.HAND_OFF, LoadSampler.level(0.30, 0.20, 0.30));
        assertEquals(IdleLevels.HAND_OFF, LoadSampler.level(0.90, 0.50, 0.60));
        assertEquals(IdleLevels.SLEEP, LoadSampler.level(0.55, 0.50, 0.60));
        assertThrows(IllegalArgumentException.class, () -> new DaemonConfig().idleThresholds(0.5, 0.4));
    }

    @Test
    void shouldHandOutAlignedNonOverlappingAddressesAndReuseFreedOnes()
    {
        final AddressSpace space = new AddressSpace(0x5000_0000_0000L, 0x5000_0100_0000L);
        final long a = space.allocate(1);
        final long b = space.allocate(3 * 1024 * 1024);
        final long c = space.allocate(4096);
        assertEquals(0x5000_0000_0000L, a);
        assertEquals(a + AddressSpace.ALIGNMENT, b);
        assertEquals(b + 2 * AddressSpace.ALIGNMENT, c);
        space.free(b);
        assertEquals(b, space.allocate(2 * 1024 * 1024));
        assertEquals(-1, space.allocate(1L << 40), "a window that is full says so");
    }

    @Test
    void shouldRefuseASecondDaemonOnTheSameDirectory()
    {
        final Path dir = TestDirs.fresh("two-daemons");
        try (Daemon first = Daemon.start(new DaemonConfig().directory(dir)))
        {
            final DaemonAlreadyRunningException e = assertThrows(DaemonAlreadyRunningException.class,
                () -> Daemon.start(new DaemonConfig().directory(dir)));
            assertTrue(e.getMessage().contains(dir.toString()));
        }
    }

    @Test
    void shouldValidateChannelNames()
    {
        assertNull(ChannelNames.validate("/shop/cart/v1"));
        assertNotNull(ChannelNames.validate("shop"));
        assertNotNull(ChannelNames.validate("/a//b"));
        assertNotNull(ChannelNames.validate("/a/"));
        assertNotNull(ChannelNames.validate("/a b"));
    }
}
