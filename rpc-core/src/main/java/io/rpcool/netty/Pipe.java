package io.rpcool.netty;

import static io.rpcool.netty.PipeDescriptor.CAPACITY_OFFSET;
import static io.rpcool.netty.PipeDescriptor.CLIENT_PID_OFFSET;
import static io.rpcool.netty.PipeDescriptor.MAGIC;
import static io.rpcool.netty.PipeDescriptor.MAGIC_OFFSET;
import static io.rpcool.netty.PipeDescriptor.SERVER_PID_OFFSET;
import static io.rpcool.netty.PipeDescriptor.VERSION;
import static io.rpcool.netty.PipeDescriptor.VERSION_OFFSET;

import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.mem.RegionSet;

/**
 * One end of a {@link PipeDescriptor pipe}: the ring it writes ({@link #out}) and the ring it reads
 * ({@link #in}).
 */
final class Pipe
{
    final long address;
    final int capacity;
    final ByteRing in;
    final ByteRing out;

    private Pipe(final long address, final int capacity, final boolean server)
    {
        this.address = address;
        this.capacity = capacity;
        final ByteRing c2s = new ByteRing(address + PipeDescriptor.clientToServerOffset(), capacity);
        final ByteRing s2c = new ByteRing(address + PipeDescriptor.serverToClientOffset(capacity), capacity);
        this.in = server ? c2s : s2c;
        this.out = server ? s2c : c2s;
    }

    /** The server's end of a pipe it just allocated at {@code address}: header written, counters zeroed. */
    static Pipe create(final long address, final int capacity, final int clientPid)
    {
        PipeDescriptor.checkCapacity(capacity);
        final Pipe pipe = new Pipe(address, capacity, true);
        pipe.in.reset();
        pipe.out.reset();
        final UnsafeBuffer header = new UnsafeBuffer(address, PipeDescriptor.HEADER_LENGTH);
        header.putInt(VERSION_OFFSET, VERSION);
        header.putInt(CAPACITY_OFFSET, capacity);
        header.putInt(CLIENT_PID_OFFSET, clientPid);
        header.putInt(SERVER_PID_OFFSET, (int)ProcessHandle.current().pid());
        header.putLongOrdered(MAGIC_OFFSET, MAGIC);
        return pipe;
    }

    /**
     * The client's end of the pipe the server handed out at {@code address}.
     *
     * @throws IllegalStateException if the pipe does not lie wholly in {@code regions} or its header
     *                               is not the one this code writes.
     */
    static Pipe attach(final RegionSet regions, final long address, final int capacity)
    {
        PipeDescriptor.checkCapacity(capacity);
        final long length = PipeDescriptor.length(capacity);
        if ((address & 63) != 0 || !regions.contains(address, length))
        {
            throw new IllegalStateException(String.format("pipe at 0x%x (%d bytes) is not inside the connection's heaps", address,
                length));
        }
        final UnsafeBuffer header = new UnsafeBuffer(address, PipeDescriptor.HEADER_LENGTH);
        final long magic = header.getLongVolatile(MAGIC_OFFSET);
        final int version = header.getInt(VERSION_OFFSET);
        final int headerCapacity = header.getInt(CAPACITY_OFFSET);
        if (magic != MAGIC || version != VERSION || headerCapacity != capacity)
        {
            throw new IllegalStateException(String.format("pipe at 0x%x has magic 0x%x, version %d, capacity %d; expected " +
                "0x%x, %d, %d", address, magic, version, headerCapacity, MAGIC, VERSION, capacity));
        }
        return new Pipe(address, capacity, false);
    }
}
