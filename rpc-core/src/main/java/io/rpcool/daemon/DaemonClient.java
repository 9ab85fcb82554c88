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

import io.rpcool.nativeio.SeqPacketSocket;
import io.rpcool.nativeio.SharedMemory;

/**
 * A process's connection to its daemon: synchronous requests answered by replies, plus pushes
 * (new connections for servers, peers gone, idle level changes) handed to a listener on the
 * reader thread.
 */
public final class DaemonClient implements AutoCloseable
{
    private static final long REQUEST_TIMEOUT_MS = 30_000;

    private final SeqPacketSocket socket;
    private final Thread reader;
    private final AtomicLong requestIds = new AtomicLong();
    private final Map<Long, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private final Consumer<Reply> pushListener;
    private final Runnable onLost;
    private final Object sendLock = new Object();
    private volatile boolean closed;

    private DaemonClient(final SeqPacketSocket socket, final Consumer<Reply> pushListener, final Runnable onLost)
    {
        this.socket = socket;
        this.pushListener = pushListener;
        this.onLost = onLost;
        this.reader = new Thread(this::readLoop, "rpcool-control");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /**
     * @param pushListener called on the reader thread for each push; must not block on the daemon.
     * @param onLost       called once if the daemon goes away.
     */
    public static DaemonClient connect(final String socketPath, final Consumer<Reply> pushListener, final Runnable onLost)
    {
        return new DaemonClient(SeqPacketSocket.connect(socketPath), pushListener, onLost);
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
     * Send a request built by {@code writer} and wait for its reply. An {@code ERROR} reply becomes
     * a {@link DaemonException} carrying the daemon's code and message.
     */
    public Reply request(final int type, final Consumer<Message> writer)
    {
        if (closed)
        {
            throw new DaemonException(E_PEER_UNAVAILABLE, "the connection to the daemon is closed");
        }
        final long id = requestIds.incrementAndGet();
        final CompletableFuture<Reply> future = new CompletableFuture<>();
        pending.put(id, future);
        try
        {
            synchronized (sendLock)
            {
                final Message m = Message.outgoing().begin(type, id);
                writer.accept(m);
                m.send(socket);
            }
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
        catch (final RuntimeException e)
        {
            if (e instanceof DaemonException)
            {
                throw e;
            }
            throw new DaemonException(E_PEER_UNAVAILABLE, "cannot reach the daemon: " + e.getMessage());
        }
        finally
        {
            pending.remove(id);
        }
    }

    /**
     * Answer a push (ACCEPT or REJECT of a new connection).
     */
    public void answer(final int type, final long pushId, final Consumer<Message> writer)
    {
        synchronized (sendLock)
        {
            final Message m = Message.outgoing().begin(type, pushId);
            writer.accept(m);
            m.send(socket);
        }
    }

    private void readLoop()
    {
        final Message in = new Message();
        try
        {
            while (!closed && in.receive(socket))
            {
                dispatch(in);
            }
        }
        catch (final RuntimeException e)
        {
            if (!closed)
            {
                System.err.println("rpcool: control connection failed: " + e);
            }
        }
        finally
        {
            final boolean wasClosed = closed;
            closed = true;
            for (final CompletableFuture<Reply> f : pending.values())
            {
                f.completeExceptionally(new IllegalStateException("daemon connection closed"));
            }
            if (!wasClosed && onLost != null)
            {
                onLost.run();
            }
        }
    }

    private void dispatch(final Message in)
    {
        final Reply message = new Reply(in.type(), in.requestId(), in.fd(), Fields.copyOf(in));
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
                pushListener.accept(message);
        }
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            socket.close();
        }
    }

    public boolean isClosed()
    {
        return closed;
    }
}
