package io.rpcool.netty;

import org.agrona.BitUtil;

/**
 * Layout of a byte-stream pipe in a channel's shared heap: a header and two single-producer,
 * single-consumer byte rings, one per direction. The server allocates and initialises it when a
 * client opens a stream (the handshake call returns its address); both ends then move bytes through
 * it without any further call.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Magic ("RPCPIPE1")                     |
 *  +---------------------------------------------------------------+
 *  |          Layout version       |      Ring capacity (bytes)    |
 *  +-------------------------------+-------------------------------+
 *  |           Client pid          |           Server pid          |
 *  +-------------------------------+-------------------------------+
 *  |                  padding to 128 bytes                        ...
 *  +---------------------------------------------------------------+
 *  |  Client doorbell: sequence (int) | client sleeps (int)        | 128
 *  |  padding to 256 bytes                                        ...
 *  +---------------------------------------------------------------+
 *  |  Server doorbell: sequence (int) | server sleeps (int)        | 256
 *  |  padding to 384 bytes                                        ...
 *  +---------------------------------------------------------------+
 *  |             Ring client -> server (see below)                ...
 *  +---------------------------------------------------------------+
 *  |             Ring server -> client (see below)                ...
 *  +---------------------------------------------------------------+
 *
 *  One ring (RING_HEADER_LENGTH + capacity bytes):
 *  +---------------------------------------------------------------+
 *  |  Tail: bytes ever written (producer only)                     |  0
 *  |  Producer flags: OUTPUT_SHUTDOWN, CLOSED (producer only)      |  8
 *  |  padding to 128 bytes (two cache lines)                      ...
 *  +---------------------------------------------------------------+
 *  |  Head: bytes ever read (consumer only)                        | 128
 *  |  Consumer flags: CLOSED (consumer only)                       | 136
 *  |  padding to 256 bytes                                        ...
 *  +---------------------------------------------------------------+
 *  |  Data: capacity bytes, a power of two; byte n of the stream   | 256
 *  |  is at data[n &amp; (capacity - 1)]                             ...
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * Tail and head are 64-bit positions that only grow; each is written by one side only, on a cache
 * line (and its neighbour, against the adjacent-line prefetcher) of its own. A reader trusts neither
 * the peer's counter nor any length in shared memory: each side keeps its own position privately and
 * accepts the peer's only if {@code 0 <= tail - head <= capacity}; anything else closes the stream
 * with an error. Flags are written after the last tail update and read before the tail, so a reader
 * that sees {@code OUTPUT_SHUTDOWN} and then reads the tail has every byte the producer will write.
 *
 * <p>Doorbells (layout version 2): each end has a doorbell in the header, on two cache lines of its
 * own, where its event loop sleeps in {@code futex(2)} when this pipe is the only one it serves:
 *
 * <pre>
 *   event loop (one end)                          the other end, after it publishes
 *   --------------------                          ---------------------------------
 *   seen = sequence                               tail / head / flags stored
 *   sleeps = 1 (| 2 if it waits for room)         full fence
 *   full fence                                    if sleeps != 0 (after a read: sleeps &amp; 2):
 *   look again: bytes, flags, room, tasks?          sequence += 1 ; futex_wake(&amp;sequence)
 *   futex_wait(&amp;sequence, seen, timeout)
 *   sleeps = 0
 * </pre>
 *
 * The two fences order the stores before the other side's load, so either the writer sees
 * {@code sleeps} and wakes, or the sleeper's last look sees what was written; a spinning end costs
 * its peer no system call. The other end rings after it writes bytes or publishes a flag, and after
 * it reads if the sleeper waits for room (bit 2), so that reading a request does not wake its sender. The loop's own process
 * rings the same word when a task is submitted to the loop. Every sleep has a timeout: the next
 * scheduled task, capped, so a peer that never rings costs a timeout, never a hang; a peer that sets
 * {@code sleeps} for nothing costs itself system calls. A loop serving several pipes does not sleep
 * on any one doorbell (a write into another pipe would not wake it): it spins, then parks briefly.
 */
public final class PipeDescriptor
{
    public static final long MAGIC = 0x3145504950435052L; // "RPCPIPE1" little-endian
    public static final int VERSION = 2;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int CAPACITY_OFFSET = 12;
    public static final int CLIENT_PID_OFFSET = 16;
    public static final int SERVER_PID_OFFSET = 20;
    /** The client's doorbell: the sequence word its loop sleeps on; the sleeps word follows it. */
    public static final int CLIENT_BELL_OFFSET = 2 * BitUtil.CACHE_LINE_LENGTH;
    /** The server's doorbell. */
    public static final int SERVER_BELL_OFFSET = 4 * BitUtil.CACHE_LINE_LENGTH;
    /** From a doorbell's sequence word to its sleeps word (written by the sleeping end only). */
    public static final int BELL_SLEEPS_OFFSET = 4;
    /** Sleeps word: the end's loop sleeps (any publish by the other end wakes it). */
    public static final int SLEEPS = 1;
    /** Sleeps word: ... and waits for room in the ring it writes (a read by the other end wakes it). */
    public static final int SLEEPS_FOR_ROOM = 2;
    public static final int HEADER_LENGTH = 6 * BitUtil.CACHE_LINE_LENGTH;

    public static final int TAIL_OFFSET = 0;
    public static final int PRODUCER_FLAGS_OFFSET = 8;
    public static final int HEAD_OFFSET = 2 * BitUtil.CACHE_LINE_LENGTH;
    public static final int CONSUMER_FLAGS_OFFSET = HEAD_OFFSET + 8;
    public static final int RING_HEADER_LENGTH = 4 * BitUtil.CACHE_LINE_LENGTH;

    /** Producer flag: no byte follows the current tail (the peer reads end-of-stream once it has the rest). */
    public static final int OUTPUT_SHUTDOWN = 1;
    /** Producer or consumer flag: that end closed the stream. */
    public static final int CLOSED = 2;

    public static final int MIN_CAPACITY = 4096;
    public static final int MAX_CAPACITY = 1 << 30;

    private PipeDescriptor()
    {
    }

    /** Offset of the client-to-server ring from the pipe's start. */
    public static int clientToServerOffset()
    {
        return HEADER_LENGTH;
    }

    /** Offset of the server-to-client ring from the pipe's start. */
    public static int serverToClientOffset(final int capacity)
    {
        return HEADER_LENGTH + RING_HEADER_LENGTH + capacity;
    }

    /** Bytes of a pipe whose rings hold {@code capacity} bytes each. */
    public static long length(final int capacity)
    {
        return HEADER_LENGTH + 2L * (RING_HEADER_LENGTH + capacity);
    }

    /** @throws IllegalArgumentException unless {@code capacity} is a power of two in range. */
    public static int checkCapacity(final int capacity)
    {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || !BitUtil.isPowerOfTwo(capacity))
        {
            throw new IllegalArgumentException("ring capacity " + capacity + " must be a power of two in [" +
                MIN_CAPACITY + ", " + MAX_CAPACITY + "]");
        }
        return capacity;
    }
}
