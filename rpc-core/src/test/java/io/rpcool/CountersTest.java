package io.rpcool;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import org.junit.jupiter.api.Test;

/**
 * Counters are kept, printed by stat and exposed through JMX; failures are counted by status and
 * errors recorded once per kind.
 */
class CountersTest
{
    @Test
    void shouldCountCallsAndFailuresAndShowThemInStatAndJmx() throws Exception
    {
        final Path dir = TestDirs.fresh("counters");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir).callTimeoutMs(10_000)))
        {
            final Channel channel = rpc.openChannel("/counted");
            channel.register(1, call -> call.replyLength(0));
            channel.register(2, call ->
            {
                throw new IllegalStateException("no");
            });
            try (Connection conn = rpc.connect("/counted"); ClientCall call = conn.newCall(1))
            {
                for (int i = 0; i < 100; i++)
                {
                    call.invoke(0);
                }
                call.functionId(2);
                assertThrows(RpcException.class, () -> call.invoke(0));
                call.functionId(99);
                assertThrows(RpcException.class, () -> call.invoke(0));
                final long deadline = System.currentTimeMillis() + 5000;
                while (rpc.counters().get("calls made") < 102 && System.currentTimeMillis() < deadline)
                {
                    Thread.sleep(50);
                }
            }
            final Map<String, Long> counters = rpc.counters();
            assertEquals(102, counters.get("calls made"), counters.toString());
            assertEquals(1, counters.get("calls failed: HANDLER_FAILED"), counters.toString());
            assertEquals(1, counters.get("calls failed: UNKNOWN_FUNCTION"), counters.toString());
            assertTrue(counters.get("calls served") >= 100, counters.toString());

            final String stat = rpc.stat();
            assertTrue(stat.contains("counters of pid " + io.rpcool.nativeio.Native.pid()), stat);
            assertTrue(stat.contains("calls failed: HANDLER_FAILED"), stat);
            assertTrue(stat.contains("counters of pid") && stat.contains("(daemon)"), "the daemon's counters too: " + stat);

            final Set<ObjectName> beans =
                ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("io.rpcool:type=Rpcool,*"), null);
            assertFalse(beans.isEmpty(), "registered with JMX");
            boolean found = false;
            for (final ObjectName name : beans)
            {
                final TabularData table = (TabularData)ManagementFactory.getPlatformMBeanServer().getAttribute(name, "Counters");
                for (final Object row : table.values())
                {
                    final CompositeData data = (CompositeData)row;
                    if ("calls made".equals(data.get("key")) && (Long)data.get("value") == 102)
                    {
                        found = true;
                    }
                }
            }
            assertTrue(found, "JMX shows the calls made");
        }
    }
}
