package io.rpcool;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.ipc.CallCheck;
import io.rpcool.layout.ConnectionDescriptor;
import io.rpcool.layout.RequestQueueDescriptor;
import io.rpcool.layout.ResponseLineDescriptor;

/**
 * Hand-written queue entries, as a hostile or buggy client would publish them, and a look at
 * the page protections of this process.
 */
public final class RawEntries
{
    private RawEntries()
    {
    }

    /**
     * Publish an entry on {@code conn}'s queue for {@code slot} (with the slot's next call id and a
     * valid check word, as a client that writes entries by hand would) and wait for the server to
     * answer it.
     *
     * @return the status the server wrote into the slot's response line, or -1 if it did not answer in time.
     */
    public static int publish(
        final Connection conn,
        final int slot,
        final int functionId,
        final int length,
        final int flags,
        final long sealId,
        final int sealKind,
        final long timeoutMs)
    {
        final long callId = nextCallId(conn, slot);
        final long position = claim(conn);
        write(conn, position, callId, functionId, length, flags, sealKind, sealId, true);
        publishSequence(conn, position, position + 1);
        return awaitStatus(conn, slot, callId, timeoutMs);
    }

    /** The next call id of {@code slot}, taken from the connection's own call object so its later calls stay newer. */
    public static long nextCallId(final Connection conn, final int slot)
    {
        return conn.calls[slot].nextCallId();
    }

    /** Claim the next queue position by CAS on the tail. */
    public static long claim(final Connection conn)
    {
        final UnsafeBuffer heap = heap(conn);
        final int tailOffset = ConnectionDescriptor.QUEUE_OFFSET + RequestQueueDescriptor.TAIL_COUNTER_OFFSET;
        long tail;
        do
        {
            tail = heap.getLongVolatile(tailOffset);
        }
        while (!heap.compareAndSetLong(tailOffset, tail, tail + 1));
        return tail;
    }

    /** Offset of the queue entry of {@code position} in the connection heap. */
    public static int entryOffset(final Connection conn, final long position)
    {
        return ConnectionDescriptor.QUEUE_OFFSET +
            RequestQueueDescriptor.entryOffset(ConnectionDescriptor.queueCapacity(conn.slots()), position);
    }

    /** Write an entry's fields (not its sequence), with a matching check word or a wrong one. */
    public static void write(
        final Connection conn,
        final long position,
        final long callId,
        final int functionId,
        final int length,
        final int flags,
        final int sealKind,
        final long sealId,
        final boolean validCheck)
    {
        final UnsafeBuffer heap = heap(conn);
        final int e = entryOffset(conn, position);
        heap.putLong(e + RequestQueueDescriptor.CALL_ID_OFFSET, callId);
        heap.putInt(e + RequestQueueDescriptor.FUNCTION_OFFSET, functionId);
        heap.putInt(e + RequestQueueDescriptor.LENGTH_OFFSET, length);
        heap.putInt(e + RequestQueueDescriptor.FLAGS_OFFSET, flags);
        heap.putInt(e + RequestQueueDescriptor.SEAL_KIND_OFFSET, sealKind);
        heap.putLong(e + RequestQueueDescriptor.SEAL_ID_OFFSET, sealId);
        heap.putLong(e + RequestQueueDescriptor.INLINE_OFFSET, 0);
        heap.putLong(e + RequestQueueDescriptor.INLINE_OFFSET + 8, 0);
        final int check = CallCheck.entry(callId, functionId, length, flags, sealKind, sealId, 0, 0);
        heap.putInt(e + RequestQueueDescriptor.CHECK_OFFSET, validCheck ? check : ~check);
    }

    /** Store {@code sequence} into the entry of {@code position}. */
    public static void publishSequence(final Connection conn, final long position, final long sequence)
    {
        heap(conn).putLongVolatile(entryOffset(conn, position) + RequestQueueDescriptor.SEQUENCE_OFFSET, sequence);
    }

    /**
     * @return the status of the reply to {@code callId} on {@code slot}, or -1 if none came in time.
     */
    public static int awaitStatus(final Connection conn, final int slot, final long callId, final long timeoutMs)
    {
        final UnsafeBuffer heap = heap(conn);
        final int line = responseLineOffset(conn, slot);
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (heap.getLongVolatile(line + ResponseLineDescriptor.CALL_ID_OFFSET) != callId)
        {
            if (System.currentTimeMillis() > deadline)
            {
                return -1;
            }
            Thread.onSpinWait();
        }
        return heap.getInt(line + ResponseLineDescriptor.STATUS_OFFSET);
    }

    /** Offset of {@code slot}'s response line in the connection heap. */
    public static int responseLineOffset(final Connection conn, final int slot)
    {
        return (int)ConnectionDescriptor.responseLineOffset(ConnectionDescriptor.queueCapacity(conn.slots()), slot);
    }

    /** The connection heap as a buffer. */
    public static UnsafeBuffer heap(final Connection conn)
    {
        final ShmConnection shm = (ShmConnection)conn;
        return new UnsafeBuffer(shm.heapAddress(), (int)shm.heapLength());
    }

    /** The message of the last error reply on {@code slot}. */
    public static String replyMessage(final Connection conn, final int slot)
    {
        final UnsafeBuffer heap = heap(conn);
        final int capacity = ConnectionDescriptor.queueCapacity(conn.slots());
        final int line = responseLineOffset(conn, slot);
        final int length = heap.getInt(line + ResponseLineDescriptor.LENGTH_OFFSET);
        final long reply = ConnectionDescriptor.replyBufferOffset(conn.slots(), capacity, conn.bufferSize(), slot);
        final byte[] bytes = new byte[Math.max(0, Math.min(length, conn.bufferSize()))];
        heap.getBytes((int)reply, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Offset of {@code slot}'s request buffer in the connection heap. */
    public static long requestOffset(final Connection conn, final int slot)
    {
        return ConnectionDescriptor.requestBufferOffset(conn.slots(), ConnectionDescriptor.queueCapacity(conn.slots()),
            conn.bufferSize(), slot);
    }

    /** True if {@code conn} is over shared memory and its calls can be sealed. */
    public static boolean isSealable(final Connection conn)
    {
        return conn instanceof ShmConnection && ((ShmConnection)conn).isSealable();
    }

    /** The connection's seals (kernel attachment or mprotect). */
    public static io.rpcool.seal.HeapSeals seals(final Connection conn)
    {
        return ((ShmConnection)conn).sealing.seals();
    }

    public static long heapAddress(final Connection conn)
    {
        return ((ShmConnection)conn).heapAddress();
    }

    /** The daemon's id of the connection heap. */
    public static long heapId(final Connection conn)
    {
        return ((ShmConnection)conn).heapId;
    }

    /** Offset of the heap's sender seal descriptors. */
    public static long sealDescriptorsOffset(final Connection conn)
    {
        return ConnectionDescriptor.sealDescriptorsOffset(conn.slots(), ConnectionDescriptor.queueCapacity(conn.slots()));
    }

    /** Batch releases the connection made so far. */
    public static long batchReleases(final Connection conn)
    {
        return ((ShmConnection)conn).sealing.batchReleases();
    }

    /** Seals the connection released in batches so far. */
    public static long sealsReleasedInBatches(final Connection conn)
    {
        return ((ShmConnection)conn).sealing.sealsReleasedInBatches();
    }

    /**
     * @return the permissions ({@code rw-s}, {@code r--s}, ...) of this process's mapping that
     * contains {@code address}, from {@code /proc/self/maps}; null if none does.
     */
    public static String permissionsAt(final long address)
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/maps")))
            {
                final int dash = line.indexOf('-');
                final int space = line.indexOf(' ');
                final long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                final long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                if (Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0)
                {
                    return line.substring(space + 1, space + 5);
                }
            }
            return null;
        }
        catch (final java.io.IOException e)
        {
            throw new IllegalStateException(e);
        }
    }
}
