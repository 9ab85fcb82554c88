package io.rpcool.nativeio;

import static io.rpcool.nativeio.Native.*;

import java.nio.charset.StandardCharsets;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A {@code SOCK_SEQPACKET} Unix domain socket: one send is one message, received whole, and a
 * file descriptor sent with a message arrives with that message ({@code SCM_RIGHTS}). Used for
 * the daemon's control plane. One thread reads a socket at a time: blocking ({@link #receive}), or
 * without blocking once {@link PollSet} said it is readable ({@link #receiveNow}); sends are
 * serialised and, with {@link #sendNow}, never block on a peer that stopped reading.
 *
 * <pre>
 *  msghdr (56 bytes)           iovec (16)         cmsghdr + one fd (24)
 *  0  msg_name        0         0 iov_base         0  cmsg_len   = 20
 *  8  msg_namelen     0         8 iov_len          8  cmsg_level = SOL_SOCKET
 *  16 msg_iov       --+                            12 cmsg_type  = SCM_RIGHTS
 *  24 msg_iovlen      1                            16 fd
 *  32 msg_control   --------------------------------+
 *  40 msg_controllen  24
 *  48 msg_flags
 * </pre>
 */
public final class SeqPacketSocket implements AutoCloseable
{
    public static final int MAX_MESSAGE = 64 * 1024;
    /** {@link #receiveNow}: no message is waiting. */
    public static final int WOULD_BLOCK = -2;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int SOCKADDR_UN_LENGTH = 110;
    private static final int MSGHDR = 0;
    private static final int IOVEC = 64;
    private static final int CMSG = 96;
    private static final int CMSG_SPACE_ONE_FD = 24;
    private static final int CMSG_LEN_ONE_FD = 20;

    private final int fd;
    private final UnsafeBuffer sendScratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(128, 64));
    private final UnsafeBuffer receiveScratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(128, 64));
    private volatile boolean closed;

    private SeqPacketSocket(final int fd)
    {
        this.fd = fd;
    }

    public static SeqPacketSocket listen(final String path)
    {
        final LibC libc = libc();
        final int fd = (int)check(libc.socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), "socket(AF_UNIX, SOCK_SEQPACKET)");
        final UnsafeBuffer addr = sockaddr(path);
        if (libc.bind(fd, addr.addressOffset(), SOCKADDR_UN_LENGTH) < 0)
        {
            final int errno = errno();
            libc.close(fd);
            throw Errno.exception("bind(" + path + ")", errno);
        }
        if (libc.listen(fd, 64) < 0)
        {
            final int errno = errno();
            libc.close(fd);
            throw Errno.exception("listen(" + path + ")", errno);
        }
        return new SeqPacketSocket(fd);
    }

    public static SeqPacketSocket connect(final String path)
    {
        final LibC libc = libc();
        final int fd = (int)check(libc.socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), "socket(AF_UNIX, SOCK_SEQPACKET)");
        final UnsafeBuffer addr = sockaddr(path);
        if (libc.connect(fd, addr.addressOffset(), SOCKADDR_UN_LENGTH) < 0)
        {
            final int errno = errno();
            libc.close(fd);
            throw Errno.exception("connect(" + path + ")", errno);
        }
        return new SeqPacketSocket(fd);
    }

    /**
     * Block until a peer connects.
     */
    public SeqPacketSocket accept()
    {
        final int client = (int)check(libc().accept4(fd, 0, 0, SOCK_CLOEXEC), "accept4");
        return new SeqPacketSocket(client);
    }

    /** The socket's file descriptor, for {@link PollSet}. */
    public int fd()
    {
        return fd;
    }

    /**
     * @return the pid of the peer as the kernel recorded it when the connection was made.
     */
    public int peerPid()
    {
        return peerCredentials()[0];
    }

    /**
     * @return pid, uid and gid of the peer as the kernel recorded them when the connection was made
     * ({@code SO_PEERCRED}): what the peer is, not what it claims.
     */
    public int[] peerCredentials()
    {
        final UnsafeBuffer b = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
        b.putInt(16, 12);
        check(libc().getsockopt(fd, SOL_SOCKET, SO_PEERCRED, b.addressOffset(), b.addressOffset() + 16), "getsockopt(SO_PEERCRED)");
        return new int[] {b.getInt(0), b.getInt(4), b.getInt(8)};
    }

    /**
     * Send {@code length} bytes at {@code address} as one message, with {@code passFd} attached
     * if it is not negative.
     */
    public void send(final long address, final int length, final int passFd)
    {
        if (!send(address, length, passFd, 0))
        {
            throw Errno.exception("sendmsg(control socket)", Errno.EAGAIN);
        }
    }

    /**
     * Send like {@link #send} but never block: a peer whose receive queue is full (it stopped
     * reading) makes this return false.
     */
    public boolean sendNow(final long address, final int length, final int passFd)
    {
        return send(address, length, passFd, MSG_DONTWAIT);
    }

    private synchronized boolean send(final long address, final int length, final int passFd, final int flags)
    {
        final UnsafeBuffer s = sendScratch;
        s.setMemory(0, 128, (byte)0);
        s.putLong(IOVEC, address);
        s.putLong(IOVEC + 8, length);
        s.putLong(MSGHDR + 16, s.addressOffset() + IOVEC);
        s.putLong(MSGHDR + 24, 1);
        if (passFd >= 0)
        {
            s.putLong(CMSG, CMSG_LEN_ONE_FD);
            s.putInt(CMSG + 8, SOL_SOCKET);
            s.putInt(CMSG + 12, SCM_RIGHTS);
            s.putInt(CMSG + 16, passFd);
            s.putLong(MSGHDR + 32, s.addressOffset() + CMSG);
            s.putLong(MSGHDR + 40, CMSG_SPACE_ONE_FD);
        }
        while (true)
        {
            if (libc().sendmsg(fd, s.addressOffset() + MSGHDR, MSG_NOSIGNAL | flags) >= 0)
            {
                return true;
            }
            final int errno = errno();
            if (errno == Errno.EINTR)
            {
                continue;
            }
            if (errno == Errno.EAGAIN && flags != 0)
            {
                return false;
            }
            throw Errno.exception("sendmsg(control socket)", errno);
        }
    }

    /**
     * Block for the next message.
     *
     * @param fdOut receives the descriptor sent with the message at index 0, or -1.
     * @return the message length, or -1 when the peer has closed the connection.
     */
    public int receive(final long address, final int capacity, final int[] fdOut)
    {
        return receive(address, capacity, fdOut, 0);
    }

    /**
     * Take the next message if one is waiting, without blocking.
     *
     * @return the message length, {@link #WOULD_BLOCK} if none is waiting, or -1 when the peer has
     * closed the connection.
     */
    public int receiveNow(final long address, final int capacity, final int[] fdOut)
    {
        return receive(address, capacity, fdOut, MSG_DONTWAIT);
    }

    private int receive(final long address, final int capacity, final int[] fdOut, final int flags)
    {
        final UnsafeBuffer s = receiveScratch;
        s.setMemory(0, 128, (byte)0);
        s.putLong(IOVEC, address);
        s.putLong(IOVEC + 8, capacity);
        s.putLong(MSGHDR + 16, s.addressOffset() + IOVEC);
        s.putLong(MSGHDR + 24, 1);
        s.putLong(MSGHDR + 32, s.addressOffset() + CMSG);
        s.putLong(MSGHDR + 40, CMSG_SPACE_ONE_FD);
        final long n;
        while (true)
        {
            final long r = libc().recvmsg(fd, s.addressOffset() + MSGHDR, MSG_CMSG_CLOEXEC | flags);
            if (r < 0)
            {
                final int errno = errno();
                if (errno == Errno.EINTR)
                {
                    continue;
                }
                if (errno == Errno.EAGAIN && flags != 0)
                {
                    fdOut[0] = -1;
                    return WOULD_BLOCK;
                }
                if (closed || errno == Errno.ECONNRESET || errno == Errno.EBADF || errno == Errno.ENOTCONN)
                {
                    return -1;
                }
                throw Errno.exception("recvmsg(control socket)", errno);
            }
            n = r;
            break;
        }
        fdOut[0] = -1;
        if (s.getLong(MSGHDR + 40) >= CMSG_LEN_ONE_FD && s.getInt(CMSG + 8) == SOL_SOCKET && s.getInt(CMSG + 12) == SCM_RIGHTS)
        {
            fdOut[0] = s.getInt(CMSG + 16);
        }
        return n == 0 ? -1 : (int)n;
    }

    /**
     * Wake any thread blocked in {@link #receive} and release the socket.
     */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            libc().shutdown(fd, SHUT_RDWR);
            libc().close(fd);
        }
    }

    public boolean isClosed()
    {
        return closed;
    }

    private static UnsafeBuffer sockaddr(final String path)
    {
        final byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= 108)
        {
            throw new IllegalArgumentException("socket path longer than 107 bytes: " + path);
        }
        final UnsafeBuffer b = new UnsafeBuffer(BufferUtil.allocateDirectAligned(128, 64));
        b.putShort(0, (short)AF_UNIX);
        b.putBytes(2, bytes);
        b.putByte(2 + bytes.length, (byte)0);
        return b;
    }
}
