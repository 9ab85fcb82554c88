package io.rpcool.daemon;

import static io.rpcool.daemon.ControlProtocol.*;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.rpcool.nativeio.PollSet;
import io.rpcool.nativeio.SeqPacketSocket;
import io.rpcool.nativeio.SharedMemory;

/**
 * A process's end of the control protocol with its daemon ({@link ControlProtocol}): requests that
 * wait for their reply, messages that do not, and answers to the daemon's pushes. It has no thread
 * of its own: the process's conductor calls {@link #poll} in its duty cycle, which completes waiting
 * requests and hands pushes (new connections, peers gone, idle levels, new heaps) to the conductor.
 */
public final class DaemonClient implements AutoCloseable
{
    /** A request the daemon does not answer within this long fails. */
    public static final long REQUEST_TIMEOUT_MS = 30_000;

    private volatile SeqPacketSocket socket;
    private final Message in = new Message();
    private final int[] receivedFd = new int[1];
    private final PollSet pollSet = new PollSet();
    private final AtomicLong requestIds = new AtomicLong();
    private final Map<Long, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private volatile Thread driver;
    private volatile boolean closed;
    /** Closed by its owner (not lost): never reconnected. */
    private volatile boolean shutDown;

    private DaemonClient(final SeqPacketSocket socket)
    {
        this.socket = socket;
        pollSet.add(socket.fd());
    }

    /**
     * Connect to the daemon listening at {@code socketPath}.
     *
     * @throws io.rpcool.nativeio.NativeException if none listens there.
     */
    public static DaemonClient connect(final String socketPath)
    {
        return new DaemonClient(SeqPacketSocket.connect(socketPath));
    }

    /**
     * A reply to a request or a push from the daemon: its type, id, the descriptor that came with
     * it (or -1), and its fields, read in order.
     */
    public static final class Reply
    {
        public final int type;
        public final long id;
        public final int fd;
        private final Fields fields;

        Reply(final int type, final long id, final int fd, final Fields fields)
        {
            this.type = type;
            this.id = id;
            this.fd = fd;
            this.fields = fields;
        }

        public int getInt()
        {
            return fields.getInt();
        }

        public long getLong()
        {
            return fields.getLong();
        }

        public String getString()
        {
            return fields.getString();
        }
    }

    /**
     * Send a request built by {@code writer} and wait for its reply, which the conductor's
     * {@link #poll} delivers. An {@code ERROR} reply becomes a {@link DaemonException} carrying the
     * daemon's code and message; no reply within {@link #REQUEST_TIMEOUT_MS} is an error too.
     */
    public Reply request(final int type, final Consumer<Message> writer)
    {
        if (Thread.currentThread() == driver)
        {
            throw new IllegalStateException("the thread that polls the daemon's socket cannot wait for a reply on it");
        }
        final long id = requestIds.incrementAndGet();
        final CompletableFuture<Reply> future = new CompletableFuture<>();
        pending.put(id, future);
        try
        {
            send(type, id, writer);
            final Reply reply = future.get(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (reply.type == ERROR)
            {
                final int code = reply.getInt();
                throw new DaemonException(code, reply.getString());
            }
            return reply;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new DaemonException(E_PEER_UNAVAILABLE, "interrupted waiting for the daemon");
        }
        catch (final ExecutionException e)
        {
            throw new DaemonException(E_PEER_UNAVAILABLE, "the daemon went away: " + e.getCause().getMessage());
        }
        catch (final TimeoutException e)
        {
            throw new DaemonException(E_PEER_UNAVAILABLE, "the daemon did not answer within " + REQUEST_TIMEOUT_MS + " ms");
        }
        finally
        {
            pending.remove(id);
        }
    }

    /**
     * Send a request and return at once; the returned future completes with the reply (an
     * {@code ERROR} reply included) when the conductor reads it, or exceptionally if the daemon goes
     * away.
     */
    public CompletableFuture<Reply> requestAsync(final int type, final Consumer<Message> writer)
    {
        final long id = requestIds.incrementAndGet();
        final CompletableFuture<Reply> future = new CompletableFuture<>();
        pending.put(id, future);
        try
        {
            send(type, id, writer);
        }
        catch (final RuntimeException e)
        {
            pending.remove(id);
            future.completeExceptionally(e);
        }
        future.whenComplete((r, t) -> pending.remove(id));
        return future;
    }

    /**
     * Send a request whose reply nobody waits for (the conductor drops it); a failure to send is
     * reported as a {@link DaemonException}.
     */
    public void tell(final int type, final Consumer<Message> writer)
    {
        send(type, requestIds.incrementAndGet(), writer);
    }

    /**
     * A request whose OK only orders it before what follows: waited for on any thread but the
     * conductor's, which never waits and only sends it.
     */
    public void requestOrTell(final int type, final Consumer<Message> writer)
    {
        if (Thread.currentThread() == driver)
        {
            tell(type, writer);
        }
        else
        {
            request(type, writer);
        }
    }

    /** The thread that calls {@link #poll} from now on (the process's conductor). */
    public void driver(final Thread thread)
    {
        this.driver = thread;
    }

    /**
     * Answer a push (ACCEPT or REJECT of a new connection or heap).
     */
    public void answer(final int type, final long pushId, final Consumer<Message> writer)
    {
        send(type, pushId, writer);
    }

    private void send(final int type, final long id, final Consumer<Message> writer)
    {
        if (closed)
        {
            throw new DaemonException(E_PEER_UNAVAILABLE, "the connection to the daemon is closed");
        }
        try
        {
            final Message m = Message.outgoing().begin(type, id);
            writer.accept(m);
            m.send(socket);
        }
        catch (final DaemonException e)
        {
            throw e;
        }
        catch (final RuntimeException e)
        {
            throw new DaemonException(E_PEER_UNAVAILABLE, "cannot reach the daemon: " + e.getMessage());
        }
    }

    /**
     * Read every message waiting on the socket without blocking (conductor thread only): replies
     * complete their requests, pushes go to {@code pushHandler}.
     *
     * @return messages read, or -1 once the daemon has gone away (every waiting request then fails).
     */
    public int poll(final Consumer<Reply> pushHandler)
    {
        if (closed)
        {
            return -1;
        }
        int read = 0;
        while (true)
        {
            final int n;
            try
            {
                n = socket.receiveNow(in.bufferAddress(), in.capacity(), receivedFd);
            }
            catch (final RuntimeException e)
            {
                lost(e.getMessage());
                return -1;
            }
            if (n == SeqPacketSocket.WOULD_BLOCK)
            {
                return read;
            }
            if (n < 0)
            {
                lost("the daemon closed the connection");
                return -1;
            }
            read++;
            final Reply message;
            try
            {
                in.received(n, receivedFd[0]);
                message = new Reply(in.type(), in.requestId(), in.fd(), Fields.copyOf(in));
            }
            catch (final Message.MalformedMessageException e)
            {
                if (receivedFd[0] >= 0)
                {
                    SharedMemory.close(receivedFd[0]);
                }
                continue;
            }
            dispatch(message, pushHandler);
        }
    }

    /**
     * Wait up to {@code timeoutMs} for something to read (conductor thread only).
     */
    public void awaitReadable(final int timeoutMs)
    {
        if (!closed)
        {
            pollSet.await(timeoutMs);
        }
    }

    private void dispatch(final Reply message, final Consumer<Reply> pushHandler)
    {
        switch (message.type)
        {
            case OK:
            case ERROR:
            case CONNECT_HEAP:
            case CONNECT_TCP:
            case HEAP:
            {
                final CompletableFuture<Reply> f = pending.get(message.id);
                if (f != null)
                {
                    f.complete(message);
                }
                else if (message.fd >= 0)
                {
                    SharedMemory.close(message.fd);
                }
                break;
            }
            default:
                pushHandler.accept(message);
        }
    }

    private void lost(final String why)
    {
        closed = true;
        for (final CompletableFuture<Reply> f : pending.values())
        {
            f.completeExceptionally(new IllegalStateException(why));
        }
        socket.close();
    }

    /**
     * After the daemon went away: connect to the daemon now listening at {@code socketPath} (a
     * restarted one). Conductor thread only.
     *
     * @throws io.rpcool.nativeio.NativeException if none listens there.
     */
    public void reconnect(final String socketPath)
    {
        if (shutDown || !closed)
        {
            throw new IllegalStateException(shutDown ? "the daemon client is closed" : "the daemon client is connected");
        }
        final SeqPacketSocket fresh = SeqPacketSocket.connect(socketPath);
        socket = fresh;
        pollSet.clear().add(fresh.fd());
        closed = false;
    }

    @Override
    public void close()
    {
        shutDown = true;
        if (!closed)
        {
            closed = true;
            socket.close();
            for (final CompletableFuture<Reply> f : pending.values())
            {
                f.completeExceptionally(new IllegalStateException("daemon connection closed"));
            }
        }
    }

    public boolean isClosed()
    {
        return closed;
    }
}
