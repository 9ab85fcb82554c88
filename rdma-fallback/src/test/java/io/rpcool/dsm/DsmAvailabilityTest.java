package io.rpcool.dsm;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.harness.jvm.ChildJvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The availability check: on x86-64 Linux with gcc at build time and a kernel with the needed
 * userfaultfd features the DSM is available; missing features are named; turned off, it says
 * why and refuses to open a heap.
 */
@Timeout(120)
class DsmAvailabilityTest
{
    @Test
    void shouldBeAvailableWhereThePagerWasBuiltAndTheKernelHasTheFeatures()
    {
        final boolean built = Files.exists(Path.of("target/classes/native/linux-x86_64/librpcool_dsm.so"));
        if (built && kernelAtLeast(5, 13))
        {
            assertTrue(Dsm.isAvailable(), () -> "unavailable: " + Dsm.unavailabilityCause());
            assertEquals(Dsm.FEATURE_MISSING_SHMEM | Dsm.FEATURE_MINOR_SHMEM,
                Dsm.kernelFeatures() & (Dsm.FEATURE_MISSING_SHMEM | Dsm.FEATURE_MINOR_SHMEM));
        }
        else
        {
            assertTrue(!Dsm.isAvailable() || kernelAtLeast(5, 13));
        }
    }

    @Test
    void shouldNameTheMissingKernelFeatures()
    {
        final long required = Dsm.FEATURE_MISSING_SHMEM | Dsm.FEATURE_MINOR_SHMEM;
        assertEquals("", Dsm.missingFeatures(required | 1, required));
        assertEquals("MINOR_SHMEM (Linux 5.13+)", Dsm.missingFeatures(Dsm.FEATURE_MISSING_SHMEM, required));
        assertEquals("MISSING_SHMEM (Linux 4.11+), MINOR_SHMEM (Linux 5.13+), features 0x4",
            Dsm.missingFeatures(0, required | 4));
    }

    @Test
    void shouldReportTheCauseAndRefuseHeapsWhenTurnedOff()
    {
        try (ChildJvm child = ChildJvm.builder(DsmAvailabilityMain.class).jvmFlags("-Xmx64m")
            .property("rpcool.dsm", "false").start())
        {
            assertEquals("AVAILABLE false", child.awaitLine("AVAILABLE", TestPeers.LINE_MS));
            assertEquals("CAUSE turned off (rpcool.dsm=false)", child.awaitLine("CAUSE", TestPeers.LINE_MS));
            assertEquals("REFUSED the DSM is unavailable: turned off (rpcool.dsm=false)",
                child.awaitLine("REFUSED", TestPeers.LINE_MS));
            assertEquals(0, child.awaitExit(TestPeers.LINE_MS));
        }
        assertThrows(IllegalArgumentException.class, () -> DsmConfig.of(0x5f50_0000_0001L, 4096));
    }

    private static boolean kernelAtLeast(final int major, final int minor)
    {
        final String[] v = System.getProperty("os.version").split("[.-]");
        final int maj = Integer.parseInt(v[0]);
        return maj > major || maj == major && Integer.parseInt(v[1]) >= minor;
    }
}
