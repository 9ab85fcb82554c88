package io.rpcool;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.rpcool.mem.RpcBuffer;
import io.rpcool.mem.SharedString;

/**
 * Sandboxing switched on per channel and per function, in one process: the handler reads the RPC
 * buffer the request names through the call's sandbox; a pointer outside it ends the call with
 * {@link Status#SANDBOX_VIOLATION} and the channel keeps serving.
 */
class SandboxedChannelTest
{
    static final int LENGTH_OF = 1;
    static final int PLAIN = 2;
    static final int ECHO_STRING = 3;

    /** Request: RPC buffer address at 0, string pointer at 8; reply: the string's length. */
    private static void lengthOf(final ServerCall call)
    {
        final long text = call.request().getLong(8);
        final String s = call.isSandboxed() ? SharedString.read(call.sandbox().regions(), text) :
            SharedString.read(call.heap().regions(), text);
        call.reply().putInt(0, s.length());
        call.replyLength(4);
    }

    @Test
    void shouldSandboxEveryFunctionOfASandboxedChannel()
    {
        final Path dir = TestDirs.fresh("sb-channel");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            final Channel ch = rpc.openChannel("/sb/all", ChannelOptions.defaults().sandboxed(true));
            ch.register(LENGTH_OF, SandboxedChannelTest::lengthOf);
            ch.register(PLAIN, SandboxedChannelTest::lengthOf, FunctionOptions.defaults().sandboxed(false));
            assertTrue(ch.isSandboxed(LENGTH_OF));
            assertFalse(ch.isSandboxed(PLAIN));
            try (Connection conn = rpc.connect("/sb/all"); ClientCall call = conn.newCall(LENGTH_OF))
            {
                final RpcBuffer buffer = conn.createBuffer(4096);
                final long inside = SharedString.allocate(buffer, "inside the buffer");
                final long outside = conn.copyFrom("outside the buffer, in the same heap");
                call.request().putLong(0, buffer.address());
                call.request().putLong(8, inside);
                call.invoke(16);
                assertEquals(17, call.reply().getInt(0));

                call.request().putLong(8, outside);
                final RpcException e = assertThrows(RpcException.class, () -> call.invoke(16));
                assertEquals(Status.SANDBOX_VIOLATION, e.status(), e.getMessage());

                // The unsandboxed function of the same channel may read the whole heap.
                call.functionId(PLAIN).invoke(16);
                assertEquals(36, call.reply().getInt(0));

                // The channel kept serving.
                call.functionId(LENGTH_OF);
                call.request().putLong(8, inside);
                call.invoke(16);
                assertEquals(17, call.reply().getInt(0));
                assertEquals(3, ch.callsServed());
            }
        }
    }

    @Test
    void shouldSandboxOneFunctionOfAnOrdinaryChannel()
    {
        final Path dir = TestDirs.fresh("sb-function");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            final Channel ch = rpc.openChannel("/sb/one");
            ch.register(LENGTH_OF, SandboxedChannelTest::lengthOf, FunctionOptions.defaults().sandboxed(true));
            ch.register(PLAIN, SandboxedChannelTest::lengthOf);
            ch.register(ECHO_STRING, call ->
            {
                // Results go into the RPC buffer; the reply carries their address.
                final String s = SharedString.read(call.sandbox().regions(), call.request().getLong(8));
                call.reply().putLong(0, SharedString.allocate(call.sandbox().results(), s + "!"));
                call.replyLength(8);
            }, FunctionOptions.defaults().sandboxed(true));
            assertTrue(ch.isSandboxed(LENGTH_OF));
            assertFalse(ch.isSandboxed(PLAIN));
            try (Connection conn = rpc.connect("/sb/one"); ClientCall call = conn.newCall(PLAIN))
            {
                final RpcBuffer buffer = conn.createBuffer(4096);
                final long outside = conn.copyFrom("elsewhere");
                call.request().putLong(0, buffer.address());
                call.request().putLong(8, outside);
                call.invoke(16);
                assertEquals(9, call.reply().getInt(0));
                final RpcException e = assertThrows(RpcException.class, () -> call.functionId(LENGTH_OF).invoke(16));
                assertEquals(Status.SANDBOX_VIOLATION, e.status());

                call.request().putLong(8, SharedString.allocate(buffer, "hi"));
                call.functionId(ECHO_STRING).invoke(16);
                final long result = call.reply().getLong(0);
                assertTrue(buffer.region().contains(result, 8), "the result lies in the RPC buffer");
                assertEquals("hi!", SharedString.read(buffer.regions(), result));
            }
        }
    }

    @Test
    void shouldCloseTheConnectionWideHeapInsideASandboxAndRejectABufferOutsideTheHeaps()
    {
        final Path dir = TestDirs.fresh("sb-heap");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            final Channel ch = rpc.openChannel("/sb/heap", ChannelOptions.defaults().sandboxed(true));
            ch.register(LENGTH_OF, call -> call.heap());
            try (Connection conn = rpc.connect("/sb/heap"); ClientCall call = conn.newCall(LENGTH_OF))
            {
                call.request().putLong(0, 0);
                RpcException e = assertThrows(RpcException.class, () -> call.invoke(8));
                assertEquals(Status.HANDLER_FAILED, e.status());
                assertTrue(e.getMessage().contains("sandbox"), e.getMessage());

                call.request().putLong(0, 0x7fff_0000_0000L);
                e = assertThrows(RpcException.class, () -> call.invoke(8));
                assertEquals(Status.SANDBOX_VIOLATION, e.status(), e.getMessage());
            }
        }
    }
}
