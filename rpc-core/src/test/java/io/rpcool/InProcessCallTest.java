package io.rpcool;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.rpcool.daemon.ControlProtocol;
import io.rpcool.daemon.DaemonException;

class InProcessCallTest
{
    static final int ECHO = 1;
    static final int HELLO = 2;

    @Test
    void shouldEchoOverSharedMemoryInOneProcess()
    {
        final Path dir = TestDirs.fresh("inproc");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            assertNotNull(rpc.embeddedDaemon(), "first process embeds the daemon");
            final Channel ch = rpc.openChannel("/demo/echo");
            ch.register(ECHO, call ->
            {
                call.reply().putBytes(0, call.request(), 0, call.requestLength());
                call.replyLength(call.requestLength());
            });
            ch.register(HELLO, call -> call.replyLength(call.reply().putStringWithoutLengthAscii(0, "Hello!")));
            try (Connection conn = rpc.connect("/demo/echo"))
            {
                assertEquals(Transport.SHARED_MEMORY, conn.transport());
                try (ClientCall call = conn.newCall(HELLO))
                {
                    call.invoke(0);
                    assertEquals("Hello!", call.reply().getStringWithoutLengthAscii(0, call.replyLength()));
                    call.functionId(ECHO);
                    for (int i = 0; i < 10_000; i++)
                    {
                        call.request().putInt(0, i);
                        call.invoke(4);
                        assertEquals(i, call.reply().getInt(0));
                    }
                }
            }
        }
    }

    @Test
    void shouldRunAsyncCallsInFlightTogether() throws Exception
    {
        final Path dir = TestDirs.fresh("async");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            final Channel ch = rpc.openChannel("/demo/async", ChannelOptions.defaults().handlerThreads(2));
            ch.register(ECHO, call ->
            {
                call.reply().putInt(0, call.request().getInt(0) * 2);
                call.replyLength(4);
            });
            try (Connection conn = rpc.connect("/demo/async", ConnectOptions.defaults().slots(16)))
            {
                final ClientCall[] calls = new ClientCall[16];
                final CompletableFuture<?>[] futures = new CompletableFuture<?>[16];
                for (int i = 0; i < calls.length; i++)
                {
                    calls[i] = conn.newCall(ECHO);
                    calls[i].request().putInt(0, i);
                    futures[i] = calls[i].invokeAsync(4);
                }
                CompletableFuture.allOf(futures).get(10, TimeUnit.SECONDS);
                for (int i = 0; i < calls.length; i++)
                {
                    assertEquals(2 * i, calls[i].reply().getInt(0));
                    calls[i].close();
                }
            }
        }
    }

    @Test
    void shouldReportUnknownChannelFunctionAndTakenName()
    {
        final Path dir = TestDirs.fresh("errors");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            final DaemonException noChannel = assertThrows(DaemonException.class, () -> rpc.connect("/no/such"));
            assertEquals(ControlProtocol.E_NO_SUCH_CHANNEL, noChannel.code());
            assertTrue(noChannel.getMessage().contains("/no/such"), noChannel.getMessage());

            rpc.openChannel("/taken");
            final DaemonException taken = assertThrows(DaemonException.class, () -> rpc.openChannel("/taken"));
            assertEquals(ControlProtocol.E_CHANNEL_EXISTS, taken.code());

            try (Connection conn = rpc.connect("/taken"); ClientCall call = conn.newCall(77))
            {
                final RpcException e = assertThrows(RpcException.class, () -> call.invoke(0));
                assertEquals(Status.UNKNOWN_FUNCTION, e.status());
                assertTrue(e.getMessage().contains("77"), e.getMessage());
                final RpcException tooBig = assertThrows(RpcException.class, () -> call.invoke(conn.bufferSize() + 1));
                assertEquals(Status.REQUEST_TOO_LARGE, tooBig.status());
                // The connection still works after both errors.
                assertThrows(RpcException.class, () -> call.invoke(0));
            }
        }
    }
}
