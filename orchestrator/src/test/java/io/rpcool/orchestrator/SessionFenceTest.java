package io.rpcool.orchestrator;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.control.ChannelEntry;
import io.rpcool.control.ClusterSettings;
import io.rpcool.control.ControlPlane;
import io.rpcool.control.ControlPlaneException;
import io.rpcool.control.PoolHeap;
import io.rpcool.nativeio.SharedMemory;

/**
 * A host's fence and its way back, against an in-process ZooKeeper: the session answering again
 * after the fence (its leases never lapsed), and the session replaced by a new one while the old
 * one's nodes still exist (the host waits them out and takes no lease back).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionFenceTest extends EmbeddedZkTestBase
{
    SessionFenceTest()
    {
        super("zk-fence");
    }

    /**
     * A host reaching ZooKeeper at {@code connect}, with its events queued: FENCED (with how long
     * before the session may expire), REJOINED new|same, MESSAGE text.
     */
    private ZkControlPlane host(final String id, final String connect, final long sessionMs, final long marginMs,
        final BlockingQueue<String> events)
    {
        final ZkControlPlane cp = new ZkControlPlane(connect, "/rpcool",
            new ClusterSettings(id, pool, sessionMs, 0x5000_0000_0000L, 0x6000_0000_0000L, marginMs), null);
        cp.start(new ControlPlane.Listener()
        {
            @Override
            public void onMessage(final String fromHost, final byte[] message)
            {
                events.add("MESSAGE " + new String(message, StandardCharsets.UTF_8));
            }

            @Override
            public void onHostFailed(final String hostId)
            {
            }

            @Override
            public void onFenced(final String reason, final long sessionMayExpireAtNs)
            {
                events.add("FENCED " + TimeUnit.NANOSECONDS.toMillis(sessionMayExpireAtNs - System.nanoTime()) +
                    " ms before expiry: " + reason);
            }

            @Override
            public void onRejoined(final boolean newSession)
            {
                events.add("REJOINED " + (newSession ? "new" : "same"));
            }
        });
        closeables.add(cp);
        return cp;
    }

    private static String next(final BlockingQueue<String> events, final String prefix, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final String e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(e, "no " + prefix + " within " + timeoutMs + " ms");
            if (e.startsWith(prefix))
            {
                return e;
            }
        }
    }

    private static long owner(final CuratorFramework client, final String path) throws Exception
    {
        final Stat stat = client.checkExists().forPath(path);
        return stat == null ? 0 : stat.getEphemeralOwner();
    }

    private static long session(final ZkControlPlane cp) throws Exception
    {
        return cp.curator().getZookeeperClient().getZooKeeper().getSessionId();
    }

    private static String leasePath(final CuratorFramework client, final PoolHeap heap, final String host, final int pid) throws Exception
    {
        for (final String h : client.getChildren().forPath("/rpcool/heaps"))
        {
            if (ClusterPaths.heapAddress(h) == heap.address())
            {
                return "/rpcool/heaps/" + h + "/" + ClusterPaths.leaseName(host, pid);
            }
        }
        throw new AssertionError("no heap at 0x" + Long.toHexString(heap.address()));
    }

    @Test
    void shouldLiftTheFenceWhenTheSameSessionAnswersAgainAndFinishWhatWaitedForIt() throws Exception
    {
        try (SilenceableProxy proxy = new SilenceableProxy(zk.port()))
        {
            final BlockingQueue<String> h1Events = new LinkedBlockingQueue<>();
            final BlockingQueue<String> h2Events = new LinkedBlockingQueue<>();
            // S = 4 s, fenced 2 s after the last answer; ZooKeeper's client gives up on the connection after 2.7 s.
            final ZkControlPlane h1 = host("h1", "127.0.0.1:" + proxy.port(), 4000, 2000, h1Events);
            final ZkControlPlane h2 = host("h2", "127.0.0.1:" + zk.port(), 4000, 0, h2Events);
            final long sessionBefore = session(h1);
            final PoolHeap released = h1.createHeap(1 << 20, 100, "test");
            final PoolHeap kept = h1.createHeap(1 << 20, 101, "test");
            SharedMemory.close(released.fd());
            SharedMemory.close(kept.fd());
            final String releasedLease = leasePath(h2.curator(), released, "h1", 100);
            final String keptLease = leasePath(h2.curator(), kept, "h1", 101);

            proxy.silence(true);
            final String fenced = next(h1Events, "FENCED", 5000);
            assertTrue(fenced.contains("no answer from ZooKeeper"), fenced);
            assertTrue(Long.parseLong(fenced.split(" ")[1]) > 0, "fenced before the session may expire: " + fenced);
            final ControlPlaneException refused = assertThrows(ControlPlaneException.class, () -> h1.createHeap(1 << 20, 102, "test"));
            assertEquals(ControlPlaneException.FENCED, refused.reason());
            assertTrue(refused.getMessage().contains("host h1 is fenced"), refused.getMessage());
            // While fenced: a lease given up and a message sent wait for the session; neither touches ZooKeeper.
            h1.releaseLease(released.address(), 100);
            h1.send("h2", "held".getBytes(StandardCharsets.UTF_8));
            assertEquals(sessionBefore, owner(h2.curator(), releasedLease), "the session still holds the lease");

            proxy.silence(false);
            assertEquals("REJOINED same", next(h1Events, "REJOINED", 5000));
            assertEquals("MESSAGE held", next(h2Events, "MESSAGE", 5000));
            assertEquals(0, owner(h2.curator(), releasedLease), "the lease given up while fenced is deleted");
            assertEquals(sessionBefore, owner(h2.curator(), keptLease), "the lease kept never lapsed");
            assertEquals(sessionBefore, owner(h2.curator(), "/rpcool/hosts/h1"));
            SharedMemory.close(h1.createHeap(1 << 20, 102, "test").fd());
        }
    }

    @Test
    void shouldWaitOutTheOldSessionAndTakeNoLeaseBackWhenANewSessionAnswers() throws Exception
    {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        // S = 4 s: a test JVM stalled on two busy cores does not fence before the test does.
        final ZkControlPlane h1 = host("h1", "127.0.0.1:" + zk.port(), 4000, 0, events);
        final ZkControlPlane h2 = host("h2", "127.0.0.1:" + zk.port(), 4000, 0, new LinkedBlockingQueue<>());
        final long oldSession = session(h1);
        final PoolHeap heap = h1.createHeap(1 << 20, 100, "test");
        SharedMemory.close(heap.fd());
        h1.publishChannel(new ChannelEntry("/fence/x", "h1", 7, 100, "pool-1", "127.0.0.1", 1));
        final String lease = leasePath(h2.curator(), heap, "h1", 100);
        final String channel = "/rpcool/channels/" + ClusterPaths.channelNode("/fence/x");

        // The client gives up the session without closing it: ZooKeeper keeps it (and its nodes) until it times out.
        h1.curator().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
        next(events, "FENCED", 5000);
        assertEquals(ControlPlaneException.FENCED,
            assertThrows(ControlPlaneException.class, () -> h1.createHeap(1 << 20, 101, "test")).reason());
        assertEquals("REJOINED new", next(events, "REJOINED", 15_000));
        // Waiting out the old session took most of S: the fence's clock starts again from an answer of the new one.
        assertNull(events.poll(1000, TimeUnit.MILLISECONDS), "no event (no fence again) right after the rejoin");

        final long newSession = session(h1);
        assertNotEquals(oldSession, newSession);
        assertEquals(newSession, owner(h2.curator(), "/rpcool/hosts/h1"), "the host node is the new session's");
        assertEquals(newSession, owner(h2.curator(), channel), "the channel is published again");
        assertEquals(0, owner(h2.curator(), lease), "the old session's lease expired and was not taken again");
        SharedMemory.close(h1.createHeap(1 << 20, 101, "test").fd());
    }

    /**
     * A TCP proxy to ZooKeeper that can fall silent: while silenced it forwards nothing either way
     * and keeps the connections open, as a network that drops packets does.
     */
    private static final class SilenceableProxy implements AutoCloseable
    {
        private final ServerSocket listener;
        private final int target;
        private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
        private volatile boolean silent;

        SilenceableProxy(final int target) throws IOException
        {
            this.target = target;
            this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            final Thread t = new Thread(this::accept, "zk-proxy");
            t.setDaemon(true);
            t.start();
        }

        int port()
        {
            return listener.getLocalPort();
        }

        void silence(final boolean on)
        {
            silent = on;
        }

        private void accept()
        {
            try
            {
                while (true)
                {
                    final Socket client = listener.accept();
                    final Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.add(client);
                    sockets.add(server);
                    pump(client, server);
                    pump(server, client);
                }
            }
            catch (final IOException e)
            {
                // closed
            }
        }

        private void pump(final Socket from, final Socket to)
        {
            final Thread t = new Thread(() ->
            {
                final byte[] buffer = new byte[8192];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream())
                {
                    int n;
                    while ((n = in.read(buffer)) >= 0)
                    {
                        while (silent)
                        {
                            Thread.sleep(5);
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
                catch (final IOException | InterruptedException e)
                {
                    // one side closed
                }
                finally
                {
                    try
                    {
                        from.close();
                        to.close();
                    }
                    catch (final IOException e)
                    {
                        // closing anyway
                    }
                }
            }, "zk-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException
        {
            listener.close();
            synchronized (sockets)
            {
                for (final Socket s : sockets)
                {
                    s.close();
                }
            }
        }
    }
}
