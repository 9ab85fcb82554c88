package io.rpcool;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.daemon.ControlProtocol;
import io.rpcool.daemon.DaemonException;
import io.rpcool.daemon.DaemonMain;
import io.rpcool.harness.jvm.ChildJvm;

/**
 * The standalone daemon is killed (kill -9) and started again while a server JVM and a client keep
 * working: connections made before go on over shared memory, the server re-attaches and keeps its
 * channel's name (nobody else can take it), and new clients connect to it.
 */
@Tag("multi-process")
@Timeout(120)
class DaemonRestartTest
{
    private static ChildJvm daemon(final Path dir)
    {
        final ChildJvm d = ChildJvm.builder(DaemonMain.class).jvmFlags("-Xmx128m").args("--dir", dir.toString()).start();
        d.awaitLine(DaemonMain.LISTENING, 30_000);
        return d;
    }

    private static void echo(final Connection conn, final int value)
    {
        try (ClientCall call = conn.newCall(TestServerMain.ECHO))
        {
            call.request().putInt(0, value);
            call.invoke(4);
            assertEquals(value, call.reply().getInt(0));
        }
    }

    @Test
    void shouldKeepServingAndReregisterTheChannelAfterTheDaemonRestarts() throws Exception
    {
        final Path dir = TestDirs.fresh("restart");
        final RpcoolContext external = TestDirs.context(dir).daemonMode(RpcoolContext.DaemonMode.EXTERNAL);
        ChildJvm first = daemon(dir);
        try (ChildJvm server = ChildJvm.builder(TestServerMain.class).jvmFlags("-Xmx256m")
                .args(dir.toString(), "/restart/echo", "local").start())
        {
            server.awaitLine("READY", 30_000);
            try (Rpcool client = Rpcool.launch(external); Connection before = client.connect("/restart/echo"))
            {
                echo(before, 1);
                first.kill9();
                for (int i = 0; i < 100; i++)
                {
                    echo(before, 100 + i);
                }
                final DaemonException noDaemon = assertThrows(DaemonException.class, () -> client.connect("/restart/echo"));
                assertEquals(ControlProtocol.E_PEER_UNAVAILABLE, noDaemon.code(), noDaemon.getMessage());

                first = daemon(dir);
                final long deadline = System.currentTimeMillis() + 20_000;
                while (client.daemonReattachments() == 0 && System.currentTimeMillis() < deadline)
                {
                    Thread.sleep(20);
                }
                assertEquals(1, client.daemonReattachments(), "the client re-attached to the new daemon");
                String stat = client.stat();
                while (!stat.contains("/restart/echo") && System.currentTimeMillis() < deadline)
                {
                    Thread.sleep(20);
                    stat = client.stat();
                }
                assertTrue(stat.contains("/restart/echo"), "the server took its channel back: " + stat);

                try (Rpcool thief = Rpcool.launch(external))
                {
                    final DaemonException taken = assertThrows(DaemonException.class, () -> thief.openChannel("/restart/echo"));
                    assertEquals(ControlProtocol.E_CHANNEL_EXISTS, taken.code(), taken.getMessage());
                }
                try (Connection after = client.connect("/restart/echo"))
                {
                    echo(after, 7);
                }
                echo(before, 8);
            }
        }
        finally
        {
            first.kill9();
        }
    }
}
