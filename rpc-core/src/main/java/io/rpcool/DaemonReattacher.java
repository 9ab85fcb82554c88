package io.rpcool;

import static io.rpcool.daemon.ControlProtocol.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.rpcool.daemon.DaemonClient;

/**
 * What a process does when its daemon went away and another one runs (or, in daemon mode auto, it
 * starts one): reconnect, and introduce itself with {@code REATTACH}, listing its channels and the
 * heaps it still maps, so its channels keep their names and no new heap lands on its heaps. Runs
 * on the {@link ClientConductor}'s thread.
 */
final class DaemonReattacher
{
    private final Rpcool rpcool;
    private final DaemonClient daemon;
    private final RpcoolCounters counters;
    private volatile boolean reattaching;
    /** A daemon this process started after the one it used went away (daemon mode auto), or null. */
    private volatile io.rpcool.daemon.Daemon adopted;

    DaemonReattacher(final Rpcool rpcool, final DaemonClient daemon, final RpcoolCounters counters)
    {
        this.rpcool = rpcool;
        this.daemon = daemon;
        this.counters = counters;
    }

    /** True while a REATTACH waits for the daemon's answer. */
    boolean isReattaching()
    {
        return reattaching;
    }

    /**
     * Reconnect to a restarted daemon (starting one in this process if the daemon mode allows and
     * none runs) and introduce this process with what it serves and maps.
     *
     * @return true if a daemon was reached (its answer comes later).
     */
    boolean tryReattach(final Map<Long, Channel> channels)
    {
        final RpcoolContext context = rpcool.context();
        final String socketPath = context.directory().resolve(SOCKET_NAME).toString();
        try
        {
            io.rpcool.daemon.RuntimeDirectory.checkForClient(context.directory());
            try
            {
                daemon.reconnect(socketPath);
            }
            catch (final io.rpcool.nativeio.NativeException e)
            {
                if (context.daemonMode() == RpcoolContext.DaemonMode.EXTERNAL || adopted != null)
                {
                    return false;
                }
                adopted = io.rpcool.daemon.Daemon.tryStart(context.daemonConfig());
                if (adopted == null)
                {
                    return false;
                }
                daemon.reconnect(socketPath);
            }
        }
        catch (final RuntimeException e)
        {
            counters.recordDistinct(e);
            return false;
        }
        reattaching = true;
        final List<Channel> offered = new ArrayList<>();
        for (final Channel channel : channels.values())
        {
            if (channel.options().sharedHeap())
            {
                channel.unregistered("the daemon restarted, and it cannot hand the channel's shared heaps to new clients; " +
                    "the channel serves its existing connections only: close and open it again");
                counters.onError("re-registering channel " + channel.name(), new IllegalStateException(channel.unregisteredReason()));
            }
            else
            {
                offered.add(channel);
            }
        }
        final long[] ranges = MappedHeaps.ranges();
        final CompletableFuture<DaemonClient.Reply> reply = daemon.requestAsync(REATTACH, m ->
        {
            m.putString(context.processName()).putString(context.domain()).putInt(offered.size());
            for (final Channel c : offered)
            {
                m.putString(c.name()).putString(context.domain()).putString(context.tcpHost()).putInt(c.tcpPort())
                    .putLong(c.options().connectionQuotaBytes());
            }
            m.putInt(ranges.length / 2);
            for (final long r : ranges)
            {
                m.putLong(r);
            }
        });
        reply.whenComplete((r, failure) -> onReattached(channels, offered, r, failure));
        return true;
    }

    /** The restarted daemon answered: channels it took back get their new ids, the others are reported. */
    private void onReattached(
        final Map<Long, Channel> channels, final List<Channel> offered, final DaemonClient.Reply reply, final Throwable failure)
    {
        reattaching = false;
        if (failure != null || reply.type != OK)
        {
            counters.onError("re-attaching to the restarted daemon", failure != null ? failure :
                new IllegalStateException("the daemon refused: " + reply.getInt() + " " + reply.getString()));
            return;
        }
        rpcool.daemonRestarted(reply.getInt());
        rpcool.waitControl().daemonLevel(reply.getInt());
        reply.getLong();
        reply.getString();
        reply.getLong();
        reply.getString();
        final int n = reply.getInt();
        for (int i = 0; i < n && i < offered.size(); i++)
        {
            final Channel channel = offered.get(i);
            final long id = reply.getLong();
            final String reason = reply.getString();
            channels.remove(channel.id(), channel);
            if (id != 0)
            {
                channel.registeredAgain(id);
                channels.put(id, channel);
            }
            else
            {
                channel.unregistered(reason);
                channels.put(channel.id(), channel);
                counters.onError("re-registering channel " + channel.name(), new IllegalStateException(reason));
            }
        }
        counters.daemonReattachments.increment();
        RpcoolCounters.warn("rpcool: re-attached to the restarted daemon (pid " + rpcool.daemonPid() + ")");
    }

    /** Close the daemon this process started after its own went away, if any. */
    void closeAdoptedDaemon()
    {
        final io.rpcool.daemon.Daemon d = adopted;
        if (d != null)
        {
            adopted = null;
            d.close();
        }
    }
}
