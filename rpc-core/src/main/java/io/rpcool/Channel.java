package io.rpcool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import org.agrona.collections.Int2ObjectHashMap;

import io.rpcool.seal.Protection;
import io.rpcool.seal.SealRequirement;

/**
 * A server's channel: a unique hierarchical name that clients connect to, a table of handlers by
 * function id, and the threads that serve its connections. Handlers may be registered before or
 * after clients connect; a call to an unregistered function gets a {@link Status#UNKNOWN_FUNCTION}
 * reply. A channel ({@link ChannelOptions#requireSeal}) or a function
 * ({@link #register(int, RpcHandler, SealRequirement)}) can require sealed calls; calls that do not
 * meet the requirement, and calls whose seal does not verify, get a {@link Status#REJECTED} reply.
 */
public final class Channel implements AutoCloseable
{
    private final Rpcool rpcool;
    private final String name;
    private volatile long id;
    /** Why the channel is no longer registered with the daemon (its daemon restarted), or null. */
    private volatile String unregisteredReason;
    private final ChannelOptions options;
    private final HandlerAgent[] agents;
    /** Function ids below this have their handler in {@link #smallFunctions}, read without hashing. */
    static final int SMALL_FUNCTION_IDS = 256;
    private volatile Int2ObjectHashMap<RpcHandler> handlers = new Int2ObjectHashMap<>();
    private volatile Function[] smallFunctions = new Function[SMALL_FUNCTION_IDS];
    private volatile Int2ObjectHashMap<Function> otherFunctions = new Int2ObjectHashMap<>();
    private volatile Int2ObjectHashMap<SealRequirement> requirements = new Int2ObjectHashMap<>();
    volatile ShmServerEnd[] ends = new ShmServerEnd[0];
    /** Calls served over TCP; each handler thread counts its shared-memory calls itself. */
    final LongAdder callsServed = new LongAdder();
    final LongAdder malformedEntries = new LongAdder();
    final LongAdder rejectedCalls = new LongAdder();
    private volatile PeerFailureListener peerFailureListener;
    private final TcpServer tcpServer;
    private volatile boolean closed;
    /** The data heap shared by all connections, when the channel's options ask for one. */
    volatile SharedHeap heap;

    Channel(final Rpcool rpcool, final String name, final long id, final ChannelOptions options, final TcpServer tcpServer)
    {
        this.rpcool = rpcool;
        this.name = name;
        this.id = id;
        this.options = options;
        this.tcpServer = tcpServer;
        this.agents = new HandlerAgent[options.handlerThreads()];
        for (int i = 0; i < agents.length; i++)
        {
            agents[i] = new HandlerAgent(this, rpcool, i);
        }
        tcpServer.channel(this);
    }

    void start()
    {
        for (final HandlerAgent agent : agents)
        {
            agent.start();
        }
    }

    RpcoolCounters counters()
    {
        return rpcool.counterSet();
    }

    public String name()
    {
        return name;
    }

    public long id()
    {
        return id;
    }

    /**
     * True while the daemon knows this channel, so new clients can connect to it. False after the
     * daemon restarted and could not take the channel back (see {@link #unregisteredReason()});
     * existing connections keep being served.
     */
    public boolean isRegistered()
    {
        return unregisteredReason == null;
    }

    /** Why the channel is no longer registered with the daemon, or null. */
    public String unregisteredReason()
    {
        return unregisteredReason;
    }

    /** A restarted daemon took the channel back under {@code newId}. */
    void registeredAgain(final long newId)
    {
        this.id = newId;
    }

    /** A restarted daemon could not take the channel back. */
    void unregistered(final String reason)
    {
        this.unregisteredReason = reason;
    }

    /** Port of this channel's TCP fallback listener. */
    public int tcpPort()
    {
        return tcpServer.port();
    }

    public ChannelOptions options()
    {
        return options;
    }

    /**
     * The data heap shared by all connections of this channel, for objects the server keeps or
     * prepares before clients connect.
     *
     * @throws IllegalStateException if the channel gives each connection a private heap
     *                               ({@link ChannelOptions#sharedHeap(boolean)} is false).
     */
    public SharedHeap heap()
    {
        final SharedHeap shared = heap;
        if (shared == null)
        {
            throw new IllegalStateException("channel " + name + " has no shared heap: each connection has its own");
        }
        return shared;
    }

    /**
     * Serve {@code functionId} with {@code handler}, replacing any handler it had; sandboxed if the
     * channel's options say so.
     */
    public Channel register(final int functionId, final RpcHandler handler)
    {
        return register(functionId, handler, FunctionOptions.defaults());
    }

    /**
     * Serve {@code functionId} with {@code handler}, replacing any handler it had, with options of
     * its own (e.g. sandboxed while the channel's other functions are not).
     */
    public synchronized Channel register(final int functionId, final RpcHandler handler, final FunctionOptions functionOptions)
    {
        if (functionOptions.sealRequirement() != null)
        {
            final Int2ObjectHashMap<SealRequirement> required = new Int2ObjectHashMap<>(requirements);
            required.put(functionId, functionOptions.sealRequirement());
            requirements = required;
        }
        final boolean sandboxed = functionOptions.sandboxed() != null ? functionOptions.sandboxed() : options.sandboxed();
        final SandboxRegion region = functionOptions.sandboxRegion() != null ?
            functionOptions.sandboxRegion() : options.sandboxRegion();
        final Int2ObjectHashMap<RpcHandler> copy = new Int2ObjectHashMap<>(handlers);
        final RpcHandler served = sandboxed ? new SandboxedHandler(handler, region) : handler;
        copy.put(functionId, served);
        handlers = copy;
        final Function function = new Function(served, requirement(functionId));
        if (functionId >= 0 && functionId < SMALL_FUNCTION_IDS)
        {
            final Function[] table = smallFunctions.clone();
            table[functionId] = function;
            smallFunctions = table;
        }
        else
        {
            final Int2ObjectHashMap<Function> table = new Int2ObjectHashMap<>(otherFunctions);
            table.put(functionId, function);
            otherFunctions = table;
        }
        return this;
    }

    /**
     * Serve {@code functionId} with {@code handler}, accepting only calls that meet
     * {@code requirement} (or the channel's, if stricter).
     */
    public synchronized Channel register(final int functionId, final RpcHandler handler, final SealRequirement requirement)
    {
        final Int2ObjectHashMap<SealRequirement> copy = new Int2ObjectHashMap<>(requirements);
        copy.put(functionId, requirement == null ? SealRequirement.NONE : requirement);
        requirements = copy;
        return register(functionId, handler);
    }

    /** True if a handler serves {@code functionId}. */
    public boolean serves(final int functionId)
    {
        return handlers.get(functionId) != null;
    }

    /** True if calls of {@code functionId} run in a sandbox. */
    public boolean isSandboxed(final int functionId)
    {
        return handlers.get(functionId) instanceof SandboxedHandler;
    }

    RpcHandler handler(final int functionId)
    {
        return handlers.get(functionId);
    }

    /**
     * The handler of {@code functionId} and the requirement its calls must meet, or null if it has
     * no handler: one array read for the ids most channels use, a map lookup for the others.
     */
    Function function(final int functionId)
    {
        if (functionId >= 0 && functionId < SMALL_FUNCTION_IDS)
        {
            return smallFunctions[functionId];
        }
        return otherFunctions.get(functionId);
    }

    /** A registered function as the handler threads see it. */
    static final class Function
    {
        final RpcHandler handler;
        final SealRequirement requirement;

        Function(final RpcHandler handler, final SealRequirement requirement)
        {
            this.handler = handler;
            this.requirement = requirement;
        }
    }

    /** The requirement calls of {@code functionId} must meet: the stricter of the channel's and the function's. */
    SealRequirement requirement(final int functionId)
    {
        return options.sealRequirement().and(requirements.get(functionId));
    }

    static String requirementMessage(
        final String channel, final int functionId, final SealRequirement requirement, final Protection protection)
    {
        final String what = "function " + functionId + " on " + channel;
        if (protection == Protection.MPROTECT_SEAL)
        {
            return what + " requires kernel-enforced seals; this call was sealed with mprotect, which stops buggy senders " +
                "but not malicious ones";
        }
        return what + " requires " + (requirement == SealRequirement.KERNEL ? "kernel-sealed" : "sealed") +
            " calls; this call was not sealed (ClientCall.sealed(true), or SealMode.COPY)";
    }

    /** Calls served successfully, over every transport. */
    public long callsServed()
    {
        long served = callsServed.sum();
        for (final HandlerAgent agent : agents)
        {
            served += agent.call.served;
        }
        return served;
    }

    /** Request entries rejected as malformed. */
    public long malformedEntries()
    {
        return malformedEntries.sum();
    }

    /** Calls rejected because their seal did not verify or did not meet the requirement. */
    /** Be told when a client of this channel fails (its process dies or stops renewing its lease, or its host does). */
    public Channel peerFailureListener(final PeerFailureListener listener)
    {
        this.peerFailureListener = listener;
        return this;
    }

    void clientFailed(final long connectionId, final String reason)
    {
        final PeerFailureListener listener = peerFailureListener;
        if (listener != null)
        {
            final String message = "client of " + name() + " (connection " + connectionId + ") failed: " + reason;
            rpcool.notifyAsync(() -> listener.onPeerFailure(name(), message));
        }
    }

    public long rejectedCalls()
    {
        return rejectedCalls.sum();
    }

    /** Shared-memory connections currently served. */
    public int connectionCount()
    {
        return ends.length;
    }

    synchronized void addEnd(final ShmServerEnd end)
    {
        final ShmServerEnd[] current = ends;
        final ShmServerEnd[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = end;
        ends = next;
        // A handler asleep on the one connection it served must now poll two.
        for (final ShmServerEnd e : current)
        {
            e.wakeHandlers();
        }
    }

    /**
     * Stop serving {@code end} and wait until no handler thread reads its heap any more.
     *
     * @return true if this call removed it.
     */
    boolean removeEnd(final ShmServerEnd end)
    {
        return removeEndAndQuiesce(end);
    }

    /**
     * @return true if no thread can still read the end's heap.
     */
    private boolean removeEndAndQuiesce(final ShmServerEnd end)
    {
        synchronized (this)
        {
            final List<ShmServerEnd> list = new ArrayList<>(Arrays.asList(ends));
            if (!list.remove(end))
            {
                return true;
            }
            end.closing = true;
            ends = list.toArray(new ShmServerEnd[0]);
        }
        end.wakeHandlers();
        boolean quiet = true;
        for (final HandlerAgent agent : agents)
        {
            quiet &= agent.quiesce();
        }
        return quiet & rpcool.quiescePoller();
    }

    /**
     * Stop serving {@code end} without waiting.
     *
     * @return a token for {@link #isPast(long[])}: once it is, no handler thread can read the end.
     */
    long[] detachEnd(final ShmServerEnd end)
    {
        synchronized (this)
        {
            final List<ShmServerEnd> list = new ArrayList<>(Arrays.asList(ends));
            if (list.remove(end))
            {
                end.closing = true;
                ends = list.toArray(new ShmServerEnd[0]);
                end.wakeHandlers();
            }
        }
        final long[] rounds = new long[agents.length];
        for (int i = 0; i < agents.length; i++)
        {
            rounds[i] = agents[i].rounds();
        }
        return rounds;
    }

    /** True once every handler thread is past the rounds of {@code token} ({@link #detachEnd}). */
    boolean isPast(final long[] token)
    {
        for (int i = 0; i < agents.length; i++)
        {
            if (!agents[i].isPast(token[i]))
            {
                return false;
            }
        }
        return true;
    }

    ShmServerEnd end(final long connectionId)
    {
        for (final ShmServerEnd end : ends)
        {
            if (end.connectionId == connectionId)
            {
                return end;
            }
        }
        return null;
    }

    boolean isClosed()
    {
        return closed;
    }

    /**
     * Close the channel: its name is free again, clients are told the server is gone, and every
     * connection heap is unmapped.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        rpcool.closeChannel(this);
        for (final ShmServerEnd end : ends)
        {
            rpcool.closeServerEnd(end, false);
        }
        for (final HandlerAgent agent : agents)
        {
            agent.stop();
        }
        tcpServer.close();
    }
}
