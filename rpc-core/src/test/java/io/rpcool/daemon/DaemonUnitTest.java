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
    void shouldReadProcessTicksAsProcSaysAndSampleLoadAsAFraction() throws Exception
    {
        final LoadSampler sampler = new LoadSampler(null);
        final int pid = (int)ProcessHandle.current().pid();
        final long before = ticksBySplitting(pid);
        final long read = sampler.processTicks(pid);
        final long after = ticksBySplitting(pid);
        assertTrue(before <= read && read <= after, before + " <= " + read + " <= " + after);
        assertEquals(-1, sampler.processTicks(Integer.MAX_VALUE), "no such process");

        assertEquals(-1, sampler.sample(new int[] {pid}), "the first sample opens the window");
        long spin = 0;
        final long until = System.nanoTime() + 200_000_000L;
        while (System.nanoTime() < until)
        {
            spin++;
        }
        final double load = sampler.sample(new int[] {pid});
        assertTrue(load >= 0 && load <= 1, "load " + load + " after " + spin + " spins");
    }

    /** utime + stime the straightforward way, for comparison. */
    private static long ticksBySplitting(final int pid) throws Exception
    {
        final String s = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
        final String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
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
