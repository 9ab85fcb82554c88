package io.rpcool;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.rpcool.layout.ConnectionDescriptor;

class ReplyValidationAndIdleTest
{
    @Test
    void shouldRejectAForgedReplyAndReuseTheSlotOnlyAfterTheLateReply() throws Exception
    {
        final Path dir = TestDirs.fresh("forged");
        final CountDownLatch release = new CountDownLatch(1);
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            rpc.openChannel("/forged").register(1, call -> release.await(10, TimeUnit.SECONDS));
            try (Connection conn = rpc.connect("/forged", ConnectOptions.defaults().slots(1)))
            {
                final ShmConnection shm = (ShmConnection)conn;
                final UnsafeBuffer heap = new UnsafeBuffer(shm.heapAddress(), (int)shm.heapLength());
                final int line = (int)ConnectionDescriptor.responseLineOffset(ConnectionDescriptor.queueCapacity(1), 0);
                final ClientCall call = conn.newCall(1);
                final var future = call.invokeAsync(0);
                // A hostile server answers with an unknown status, then with a length past the buffer.
                heap.putInt(line + io.rpcool.layout.ResponseLineDescriptor.STATUS_OFFSET, 12345);
                heap.putInt(line + io.rpcool.layout.ResponseLineDescriptor.LENGTH_OFFSET, 0);
                heap.putLongVolatile(line, call.callId);
                final Exception e = assertThrows(Exception.class, () -> future.get(5, TimeUnit.SECONDS));
                assertEquals(Status.MALFORMED_REPLY, ((RpcException)e.getCause()).status(), e.getCause().getMessage());

                final var second = call.invokeAsync(0);
                heap.putInt(line + io.rpcool.layout.ResponseLineDescriptor.STATUS_OFFSET, 0);
                heap.putInt(line + io.rpcool.layout.ResponseLineDescriptor.LENGTH_OFFSET, 1 << 30);
                heap.putLongVolatile(line, call.callId);
                final Exception e2 = assertThrows(Exception.class, () -> second.get(5, TimeUnit.SECONDS));
                assertEquals(Status.MALFORMED_REPLY, ((RpcException)e2.getCause()).status());
                call.close();
                release.countDown();
                // The slot comes back once the real (late) replies have landed; then calls work again.
                try (ClientCall again = conn.newCall(1))
                {
                    again.invoke(0);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = RpcoolContext.IdleMode.class, names = {"SPIN", "SLEEP", "HAND_OFF"})
    void shouldServeCallsInEveryWaitingMode(final RpcoolContext.IdleMode mode) throws Exception
    {
        final Path dir = TestDirs.fresh("idle-" + mode);
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir).idleMode(mode)))
        {
            final Channel ch = rpc.openChannel("/idle");
            ch.register(1, call ->
            {
                call.reply().putInt(0, call.request().getInt(0) + 1);
                call.replyLength(4);
            });
            try (Connection conn = rpc.connect("/idle"); ClientCall call = conn.newCall(1))
            {
                for (int i = 0; i < 500; i++)
                {
                    call.request().putInt(0, i);
                    call.invoke(4);
                    assertEquals(i + 1, call.reply().getInt(0));
                }
                assertTrue(call.invokeAsync(4).get(5, TimeUnit.SECONDS).isDone());
            }
        }
    }

    @Test
    void shouldFailACallThatMissesItsDeadline()
    {
        final Path dir = TestDirs.fresh("deadline");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)))
        {
            rpc.openChannel("/slow").register(1, call -> Thread.sleep(2000));
            try (Connection conn = rpc.connect("/slow"); ClientCall call = conn.newCall(1))
            {
                final RpcException e = assertThrows(RpcException.class, () -> call.invoke(0, 100, TimeUnit.MILLISECONDS));
                assertEquals(Status.DEADLINE_EXCEEDED, e.status());
            }
        }
    }
}
