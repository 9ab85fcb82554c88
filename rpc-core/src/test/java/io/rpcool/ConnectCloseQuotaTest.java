package io.rpcool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.rpcool.daemon.ControlProtocol;
import io.rpcool.daemon.DaemonConfig;
import io.rpcool.daemon.DaemonException;

/**
 * Connections opened and closed in a tight loop: a connect that finds the server at its quota
 * while heaps of just-closed connections are still on their way back waits for them instead of
 * failing, so the loop never runs into the quota, even with room for only a few heaps. A quota
 * that open connections really use up still refuses at once.
 */
class ConnectCloseQuotaTest
{
    @Test
    void shouldReturnClosedConnectionHeapsToTheServersQuotaAsFastAsClientsClose() throws Exception
    {
        try (Rpcool server = Rpcool.launch(TestDirs.context(TestDirs.fresh("connect-close"))
            .daemonConfig(new DaemonConfig().quotaBytes(16L * 1024 * 1024))))
        {
            server.openChannel("/cc").register(1, call -> call.replyLength(0));
            int done = 0;
            for (int i = 0; i < 2000; i++)
            {
                try (Connection conn = server.connect("/cc"))
                {
                    done++;
                }
            }
            assertEquals(2000, done);

            // Open connections hold their heaps: the quota refuses the next one at once, with no wait.
            final java.util.List<Connection> open = new java.util.ArrayList<>();
            try
            {
                final DaemonException refused = assertThrows(DaemonException.class, () ->
                {
                    for (int i = 0; i < 100; i++)
                    {
                        open.add(server.connect("/cc"));
                    }
                });
                assertEquals(ControlProtocol.E_QUOTA_EXCEEDED, refused.code());
                final long start = System.nanoTime();
                assertThrows(DaemonException.class, () -> server.connect("/cc"));
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "refused without waiting for releases");
            }
            finally
            {
                open.forEach(Connection::close);
            }
            // Once they close, connecting works again.
            server.connect("/cc").close();
        }
    }
}
