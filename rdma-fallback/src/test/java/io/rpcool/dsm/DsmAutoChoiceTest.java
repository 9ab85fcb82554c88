package io.rpcool.dsm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.Channel;
import io.rpcool.ClientCall;
import io.rpcool.ConnectOptions;
import io.rpcool.Connection;
import io.rpcool.RpcException;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.Status;
import io.rpcool.Transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The automatic transport choice takes the DSM only where it can be set up: a server in this very
 * process (its pager and heap would share the client's address space) is reached over the copy
 * fallback, while asking for the DSM explicitly fails with the reason.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DsmAutoChoiceTest
{
    private static final int ECHO = 1;

    @Test
    void shouldFallBackToTheCopyTransportWhenTheDsmHeapCannotBeSetUp() throws IOException
    {
        assumeTrue(Dsm.isAvailable(), () -> "DSM unavailable: " + Dsm.unavailabilityCause());
        final Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "rpcool-test-dsm-auto-");
        try (Rpcool rpc = Rpcool.launch(new RpcoolContext().directory(dir).idleMode(RpcoolContext.IdleMode.SPIN)
            .callTimeoutMs(10_000).daemonMode(RpcoolContext.DaemonMode.EMBEDDED)))
        {
            final Channel channel = rpc.openChannel("/dsm-auto");
            channel.register(ECHO, call ->
            {
                call.reply().putLong(0, call.request().getLong(0) + 1);
                call.replyLength(8);
            });
            try (Connection conn = rpc.connect("/dsm-auto", ConnectOptions.remote("127.0.0.1", channel.tcpPort()));
                ClientCall call = conn.newCall(ECHO))
            {
                assertEquals(Transport.TCP, conn.transport());
                call.request().putLong(0, 41);
                call.invoke(8);
                assertEquals(42, call.reply().getLong(0));
            }
            final RpcException refused = assertThrows(RpcException.class, () -> rpc.connect("/dsm-auto",
                ConnectOptions.remote("127.0.0.1", channel.tcpPort()).transport(Transport.DSM)).close());
            assertEquals(Status.TRANSPORT_FAILED, refused.status());
        }
    }
}
