package io.rpcool.netty;

import static io.rpcool.netty.PipeDescriptor.CAPACITY_OFFSET;
import static io.rpcool.netty.PipeDescriptor.CLIENT_PID_OFFSET;
import static io.rpcool.netty.PipeDescriptor.MAGIC;
import static io.rpcool.netty.PipeDescriptor.MAGIC_OFFSET;
import static io.rpcool.netty.PipeDescriptor.SERVER_PID_OFFSET;
import static io.rpcool.netty.PipeDescriptor.VERSION;
import static io.rpcool.netty.PipeDescriptor.VERSION_OFFSET;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.nativeio.Futex;

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
    /** The sequence word of this end's doorbell, where this end's loop sleeps. */
    final long ownBell;
    /** The sequence word of the other end's doorbell. */
    private final long peerBell;
    /** Wake-ups this end issued to the other (system calls), counted on this end's loop. */
    private long peerWakes;

    private Pipe(final long address, final int capacity, final boolean server)
    {
        this.address = address;
        this.capacity = capacity;
        this.ownBell = address + (server ? PipeDescriptor.SERVER_BELL_OFFSET : PipeDescriptor.CLIENT_BELL_OFFSET);
        this.peerBell = address + (server ? PipeDescriptor.CLIENT_BELL_OFFSET : PipeDescriptor.SERVER_BELL_OFFSET);
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
        new UnsafeBuffer(address + PipeDescriptor.CLIENT_BELL_OFFSET, PipeDescriptor.HEADER_LENGTH -
            PipeDescriptor.CLIENT_BELL_OFFSET).setMemory(0, PipeDescriptor.HEADER_LENGTH - PipeDescriptor.CLIENT_BELL_OFFSET, (byte)0);
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

    /**
     * After this end published bytes, room or a flag: wake the other end's loop if it announced that
     * it sleeps on its doorbell (see {@link PipeDescriptor}); otherwise no system call.
     *
     * @return true if a wake-up was issued.
     */
    boolean ringPeer()
    {
        UnsafeApi.fullFence();
        if (UnsafeApi.getIntVolatile(null, peerBell + PipeDescriptor.BELL_SLEEPS_OFFSET) == 0)
        {
            return false;
        }
        ring(peerBell);
        peerWakes++;
        return true;
    }

    /**
     * True if the other end published something this end would act on: room for {@code writePending}
     * bytes (or a reader gone), or, if {@code reading}, bytes or a producer flag. Reads only.
     */
    boolean ready(final boolean writePending, final boolean reading)
    {
        try
        {
            if (writePending && (out.freeSpace() != 0 || (out.consumerFlags() & PipeDescriptor.CLOSED) != 0))
            {
                return true;
            }
            return reading && (in.available() != 0 || in.producerFlags() != 0);
        }
        catch (final ByteRing.CorruptRingException e)
        {
            return true;
        }
    }

    /**
     * After this end read from {@link #in} (made room): wake the other end's loop only if it sleeps
     * waiting for room, so that a reader does not wake a peer that sleeps for want of bytes.
     */
    boolean ringPeerForRoom()
    {
        UnsafeApi.fullFence();
        if ((UnsafeApi.getIntVolatile(null, peerBell + PipeDescriptor.BELL_SLEEPS_OFFSET) & PipeDescriptor.SLEEPS_FOR_ROOM) == 0)
        {
            return false;
        }
        ring(peerBell);
        peerWakes++;
        return true;
    }

    long peerWakes()
    {
        return peerWakes;
    }

    /** Advance a doorbell's sequence and wake its sleeper (this end's own, from another thread, or the peer's). */
    static void ring(final long bell)
    {
        UnsafeApi.getAndAddInt(null, bell, 1);
        Futex.wake(bell, 1);
    }

    /** This end's loop: the sequence to pass to {@code futex_wait}, read before announcing the sleep. */
    int ownSequence()
    {
        return UnsafeApi.getIntVolatile(null, ownBell);
    }

    /**
     * This end's loop announces (true, with a full fence after it) or withdraws its sleep; {@code forRoom}
     * if it also waits for room in {@link #out}.
     */
    void sleeping(final boolean sleeps, final boolean forRoom)
    {
        if (sleeps)
        {
            UnsafeApi.putIntVolatile(null, ownBell + PipeDescriptor.BELL_SLEEPS_OFFSET,
                PipeDescriptor.SLEEPS | (forRoom ? PipeDescriptor.SLEEPS_FOR_ROOM : 0));
            UnsafeApi.fullFence();
        }
        else
        {
            UnsafeApi.putIntRelease(null, ownBell + PipeDescriptor.BELL_SLEEPS_OFFSET, 0);
        }
    }
}
