package io.rpcool.sandbox.mpk;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import io.rpcool.sandbox.Sandboxes;

/**
 * Availability is data: on a machine without protection keys the cause says why, and the status
 * line says the hardware layer is off; where they work, the MPK provider is the one in use.
 */
class MpkAvailabilityTest
{
    @Test
    void shouldReportWhetherProtectionKeysAreUsedAndWhy()
    {
        final String status = Sandboxes.status();
        if (Mpk.isAvailable())
        {
            assertNull(Mpk.unavailabilityCause());
            assertTrue(Sandboxes.hardwareProtection());
            assertTrue(status.contains("MPK protection keys"), status);
            assertTrue(Mpk.sandboxKeys().length >= 1 && Mpk.sandboxKeys().length <= 14);
        }
        else
        {
            assertNotNull(Mpk.unavailabilityCause());
            assertFalse(Sandboxes.hardwareProtection());
            assertTrue(status.contains("hardware layer (MPK) off"), status);
            assertTrue(status.contains(String.valueOf(Mpk.unavailabilityCause().getMessage())), status);
            assertThrows(UnsupportedOperationException.class, Mpk::ensureAvailability);
        }
    }

    @Test
    void shouldFindTheMpkProviderOnTheClassPath()
    {
        assertTrue(Sandboxes.discover().stream().anyMatch(p -> p instanceof MpkSandboxProvider));
    }

    @Test
    void shouldHaveBuiltTheNativeShim()
    {
        assertNotNull(Mpk.class.getResource("/native/linux-x86_64/librpcool_sandbox.so"),
            "the build compiles src/main/c with gcc");
        if (!Mpk.isAvailable())
        {
            assertFalse(Mpk.unavailabilityCause().getMessage().contains("not on the class path"),
                String.valueOf(Mpk.unavailabilityCause()));
        }
    }
}
