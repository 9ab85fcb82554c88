package io.rpcool;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/**
 * A connection end closed while the channel is stopping its handler thread: closing the end waits
 * until that thread has left its duty cycle, even though the thread is already being stopped (its
 * heap would otherwise be unmapped under a handler still reading it, which crashes the JVM).
 */
class ServerEndCloseRaceTest
{
    @Test
    void shouldWaitForHandlerThreadThatIsBeingStopped() throws Exception
    {
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(TestDirs.fresh("end-close-race"))))
        {
            final CountDownLatch inHandler = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
            final Channel channel = rpc.openChannel("/race/close");
            channel.register(1, call ->
            {
                inHandler.countDown();
                try
                {
                    release.await(20, TimeUnit.SECONDS);
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                }
                call.replyLength(0);
            });
            final Connection conn = rpc.connect("/race/close");
            final ClientCall call = conn.newCall(1);
            final CompletableFuture<ClientCall> pending = call.invokeAsync(0);
            assertTrue(inHandler.await(10, TimeUnit.SECONDS));
            final Field agentsField = Channel.class.getDeclaredField("agents");
            agentsField.setAccessible(true);
            final HandlerAgent agent = ((HandlerAgent[])agentsField.get(channel))[0];
            final Thread handlerThread = agent.runner.thread();

            // The channel begins stopping its handler thread, which is still inside the call ...
            final Thread stopper = new Thread(agent::stop, "agent-stopper");
            stopper.start();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (agent.runner.thread() == handlerThread && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            assertNotSame(handlerThread, agent.runner.thread(), "the runner began closing");
            assertTrue(handlerThread.isAlive());

            // ... and a connection of the channel is closed meanwhile: it must wait for the thread.
            final AtomicBoolean quiet = new AtomicBoolean();
            final Thread closer = new Thread(() -> quiet.set(agent.quiesce()), "end-closer");
            closer.start();
            closer.join(500);
            assertTrue(closer.isAlive(), "quiesce returned while the handler thread was still inside a call");

            release.countDown();
            closer.join(20_000);
            stopper.join(20_000);
            assertFalse(closer.isAlive() || stopper.isAlive());
            assertTrue(quiet.get());
            assertFalse(handlerThread.isAlive());
            assertNotNull(pending);
            conn.close();
        }
    }
}
