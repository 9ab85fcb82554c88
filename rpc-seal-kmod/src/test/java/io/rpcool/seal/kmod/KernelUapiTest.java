package io.rpcool.seal.kmod;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.rpcool.layout.RequestQueueDescriptor;
import io.rpcool.layout.SealDescriptor;
import io.rpcool.seal.SealBackend;
import io.rpcool.seal.SealBackends;
import io.rpcool.seal.SealException;

/**
 * The binding against the numbers the C suite pins (rpc-seal-kmod/tests/rpcool_tests.c and the
 * README's uAPI table), and what a host without the module sees.
 */
class KernelUapiTest
{
    @Test
    void shouldComputeTheIoctlNumbersOfTheHeader()
    {
        assertEquals(0x8040c700L, KernelUapi.IOC_INFO);
        assertEquals(0xc018c701L, KernelUapi.IOC_HEAP_CREATE);
        assertEquals(0x4008c702L, KernelUapi.IOC_HEAP_DESTROY);
        assertEquals(0xc018c703L, KernelUapi.IOC_GRANT);
        assertEquals(0xc040c704L, KernelUapi.IOC_ATTACH);
        assertEquals(0x4004c705L, KernelUapi.IOC_DETACH);
        assertEquals(0xc020c706L, KernelUapi.IOC_SEAL);
        assertEquals(0x4010c707L, KernelUapi.IOC_COMPLETE);
        assertEquals(0x4010c708L, KernelUapi.IOC_RELEASE);
        assertEquals(0xc018c709L, KernelUapi.IOC_BATCH_RELEASE);
    }

    @Test
    void shouldEncodeMmapOffsetsLikeTheHeader()
    {
        assertEquals(0x10000000000L, KernelUapi.mmapOffset(1, false, 0));
        assertEquals(0x18000000000L, KernelUapi.mmapOffset(1, true, 0));
        assertEquals(0x20000003000L, KernelUapi.mmapOffset(2, false, 0x3000));
    }

    @Test
    void shouldMirrorTheDescriptorLayoutOfTheModule()
    {
        // struct rpcool_desc: seal_id 0, heap_id 8, offset 16, length 24, sender_pid 32, state 36, generation 40, seal_time_ns 48.
        assertEquals(64, SealDescriptor.LENGTH);
        assertEquals(KernelUapi.DESC_SIZE, SealDescriptor.LENGTH);
        assertEquals(0, SealDescriptor.SEAL_ID_OFFSET);
        assertEquals(8, SealDescriptor.HEAP_ID_OFFSET);
        assertEquals(16, SealDescriptor.RANGE_OFFSET_OFFSET);
        assertEquals(24, SealDescriptor.RANGE_LENGTH_OFFSET);
        assertEquals(32, SealDescriptor.SENDER_PID_OFFSET);
        assertEquals(36, SealDescriptor.STATE_OFFSET);
        assertEquals(40, SealDescriptor.GENERATION_OFFSET);
        assertEquals(48, SealDescriptor.SEAL_TIME_OFFSET);
        assertEquals(1, SealDescriptor.STATE_SEALED);
        assertEquals(2, SealDescriptor.STATE_COMPLETE);
        assertEquals(3, SealDescriptor.STATE_RELEASED);
        assertEquals(0x0000_0005_0000_0007L, SealDescriptor.sealId(5, 7));
        assertEquals(7, SealDescriptor.index(0x0000_0005_0000_0007L));
    }

    @Test
    void shouldBeFoundByServiceLoaderAboveMprotect()
    {
        final SealBackend kernel = SealBackends.byName(KernelSealBackend.NAME);
        assertNotNull(kernel);
        assertEquals(RequestQueueDescriptor.SEAL_KIND_KERNEL, kernel.kind());
        assertSame(kernel, SealBackends.all().get(0), "highest priority first");
        assertTrue(kernel.isKernelEnforced());
        assertFalse(SealBackends.byName("mprotect").isKernelEnforced());
    }

    @Test
    void shouldReportWhyTheModuleIsUnavailableAndFallBackToMprotect()
    {
        Assumptions.assumeFalse(Files.exists(Path.of(KernelUapi.DEVICE_PATH)), "the module is loaded here");
        assertFalse(RpcoolModule.isAvailable());
        final String cause = RpcoolModule.unavailabilityCause().getMessage();
        assertTrue(cause.contains("/dev/rpcool"), cause);
        final SealBackends.Selection auto = SealBackends.select(SealBackends.AUTO);
        assertEquals("mprotect", auto.backend.name());
        assertNull(auto.heapSource, "heaps stay memfds");
        assertTrue(auto.describe().contains("kernel (") && auto.describe().contains("/dev/rpcool"), auto.describe());
        final SealException e = assertThrows(SealException.class, () -> SealBackends.select(KernelSealBackend.NAME));
        assertTrue(e.getMessage().contains("/dev/rpcool"), e.getMessage());
    }
}
