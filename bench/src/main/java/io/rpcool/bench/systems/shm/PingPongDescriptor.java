package io.rpcool.bench.systems.shm;

import org.agrona.concurrent.AtomicBuffer;

/**
 * Layout of the file both JVMs of {@code raw-shm-pingpong} map: a header checked on attach and one
 * cache line for each direction, each on its own 128-byte pair of lines so adjacent-line prefetch
 * does not couple them.
 * <pre>
 *   0                   64                  128                 192                 256                 320
 *   +-------------------+-------------------+-------------------+-------------------+-------------------+---
 *   | magic | version   |      (unused)     |  request (client) |      (unused)     |  reply (server)   | ...
 *   +-------------------+-------------------+-------------------+-------------------+-------------------+---
 * </pre>
 * The client writes a request sequence number with release semantics; the server, spinning on it,
 * copies it to the reply line; the client spins until the reply equals its request.
 */
public final class PingPongDescriptor
{
    public static final int CACHE_LINE_LENGTH = 64;
    public static final long MAGIC = 0x5250_436f_6f6c_5050L; // "RPCoolPP"
    public static final int VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int REQUEST_OFFSET = 2 * CACHE_LINE_LENGTH;
    public static final int REPLY_OFFSET = 4 * CACHE_LINE_LENGTH;
    public static final int LENGTH = 6 * CACHE_LINE_LENGTH;

    /**
     * Mapped file length: one page.
     */
    public static final int FILE_LENGTH = 4096;

    private PingPongDescriptor()
    {
    }

    /**
     * @param buffer  mapped region.
     * @throws IllegalStateException if it cannot hold the layout.
     */
    public static void checkCapacity(final AtomicBuffer buffer)
    {
        if (buffer.capacity() < LENGTH)
        {
            throw new IllegalStateException("ping-pong region too small: " + buffer.capacity() + " < " + LENGTH);
        }
    }

    /**
     * Initialise a fresh region; the magic is written last, with release semantics.
     *
     * @param buffer  mapped, zeroed region.
     */
    public static void initialise(final AtomicBuffer buffer)
    {
        checkCapacity(buffer);
        buffer.putLong(REQUEST_OFFSET, 0);
        buffer.putLong(REPLY_OFFSET, 0);
        buffer.putInt(VERSION_OFFSET, VERSION);
        buffer.putLongRelease(MAGIC_OFFSET, MAGIC);
    }

    /**
     * @param buffer  mapped region written by {@link #initialise(AtomicBuffer)}.
     * @throws IllegalStateException on a foreign file or another layout version.
     */
    public static void checkVersion(final AtomicBuffer buffer)
    {
        checkCapacity(buffer);
        final long magic = buffer.getLongAcquire(MAGIC_OFFSET);
        if (magic != MAGIC)
        {
            throw new IllegalStateException("not a ping-pong region: magic=" + Long.toHexString(magic));
        }
        final int version = buffer.getInt(VERSION_OFFSET);
        if (version != VERSION)
        {
            throw new IllegalStateException("ping-pong layout version " + version + ", expected " + VERSION);
        }
    }
}
