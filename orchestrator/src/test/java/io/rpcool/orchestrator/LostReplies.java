package io.rpcool.orchestrator;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.curator.utils.ZookeeperFactory;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * Faults of a connection that breaks while a write is under way, for the ZooKeeper handles Curator
 * makes through {@link #factory()}. A lost reply: the write commits and the caller sees a connection
 * loss, as when the connection breaks between the server's commit and its reply. A refusal: the
 * write is not sent and the caller sees a connection loss. Each counter is spent, lost replies first,
 * by the next transactions ({@code multi}) or the next creates.
 */
final class LostReplies
{
    final AtomicInteger lostMultiReplies = new AtomicInteger();
    final AtomicInteger refusedMultis = new AtomicInteger();
    final AtomicInteger lostCreateReplies = new AtomicInteger();

    ZookeeperFactory factory()
    {
        return new ZookeeperFactory()
        {
            @Override
            public ZooKeeper newZooKeeper(final String connectString, final int sessionTimeoutMs, final Watcher watcher,
                final boolean canBeReadOnly) throws Exception
            {
                return new Handle(connectString, sessionTimeoutMs, watcher, canBeReadOnly, new ZKClientConfig());
            }

            @Override
            public ZooKeeper newZooKeeper(final String connectString, final int sessionTimeoutMs, final Watcher watcher,
                final boolean canBeReadOnly, final ZKClientConfig config) throws Exception
            {
                return new Handle(connectString, sessionTimeoutMs, watcher, canBeReadOnly, config != null ? config : new ZKClientConfig());
            }
        };
    }

    private static boolean spend(final AtomicInteger counter)
    {
        return counter.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    private final class Handle extends ZooKeeper
    {
        Handle(final String connectString, final int sessionTimeoutMs, final Watcher watcher, final boolean canBeReadOnly,
            final ZKClientConfig config) throws Exception
        {
            super(connectString, sessionTimeoutMs, watcher, canBeReadOnly, config);
        }

        @Override
        public List<OpResult> multi(final Iterable<Op> ops) throws InterruptedException, KeeperException
        {
            if (lostMultiReplies.get() == 0 && spend(refusedMultis))
            {
                throw new KeeperException.ConnectionLossException();
            }
            final List<OpResult> results = super.multi(ops);
            if (spend(lostMultiReplies))
            {
                throw new KeeperException.ConnectionLossException();
            }
            return results;
        }

        @Override
        public String create(final String path, final byte[] data, final List<ACL> acl, final CreateMode mode, final Stat stat,
            final long ttl) throws KeeperException, InterruptedException
        {
            final String created = super.create(path, data, acl, mode, stat, ttl);
            if (spend(lostCreateReplies))
            {
                throw new KeeperException.ConnectionLossException();
            }
            return created;
        }
    }
}
