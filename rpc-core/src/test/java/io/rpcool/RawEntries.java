package io.rpcool;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.layout.ConnectionDescriptor;
import io.rpcool.layout.RequestQueueDescriptor;

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
     * Publish an entry on {@code conn}'s queue for {@code slot} and wait for the server to answer it.
     *
     * @return the status the server wrote into the slot's response line, or -1 if it did not answer in time.
     */
    public static int publish(
        final Connection conn,
        final int slot,
        final long callId,
        final int functionId,
        final int length,
        final int flags,
        final long sealId,
        final int sealKind,
        final long timeoutMs)
    {
        final ShmConnection shm = (ShmConnection)conn;
        final UnsafeBuffer heap = new UnsafeBuffer(shm.heapAddress(), (int)shm.heapLength());
        final int capacity = ConnectionDescriptor.queueCapacity(conn.slots());
        final int tailOffset = ConnectionDescriptor.QUEUE_OFFSET + RequestQueueDescriptor.TAIL_OFFSET;
        long tail;
        do
        {
            tail = heap.getLongVolatile(tailOffset);
        }
        while (!heap.compareAndSetLong(tailOffset, tail, tail + 1));
        final int e = RequestQueueDescriptor.entryOffset(ConnectionDescriptor.QUEUE_OFFSET, capacity, tail);
        heap.putLong(e + RequestQueueDescriptor.CALL_ID_OFFSET, callId);
        heap.putInt(e + RequestQueueDescriptor.SLOT_OFFSET, slot);
        heap.putInt(e + RequestQueueDescriptor.FUNCTION_OFFSET, functionId);
        heap.putInt(e + RequestQueueDescriptor.LENGTH_OFFSET, length);
        heap.putInt(e + RequestQueueDescriptor.FLAGS_OFFSET, flags);
        heap.putLong(e + RequestQueueDescriptor.SEAL_ID_OFFSET, sealId);
        heap.putInt(e + RequestQueueDescriptor.SEAL_KIND_OFFSET, sealKind);
        heap.putLongVolatile(e + RequestQueueDescriptor.SEQUENCE_OFFSET, tail + 1);
        final int line = (int)ConnectionDescriptor.responseLineOffset(capacity, slot);
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (heap.getLongVolatile(line + ConnectionDescriptor.RESPONSE_CALL_ID_OFFSET) != callId)
        {
            if (System.currentTimeMillis() > deadline)
            {
                return -1;
            }
            Thread.onSpinWait();
        }
        return heap.getInt(line + ConnectionDescriptor.RESPONSE_STATUS_OFFSET);
    }

    /** The message of the last error reply on {@code slot}. */
    public static String replyMessage(final Connection conn, final int slot)
    {
        final ShmConnection shm = (ShmConnection)conn;
        final UnsafeBuffer heap = new UnsafeBuffer(shm.heapAddress(), (int)shm.heapLength());
        final int capacity = ConnectionDescriptor.queueCapacity(conn.slots());
        final int line = (int)ConnectionDescriptor.responseLineOffset(capacity, slot);
        final int length = heap.getInt(line + ConnectionDescriptor.RESPONSE_LENGTH_OFFSET);
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
        return ((ShmConnection)conn).seals;
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
        return ((ShmConnection)conn).sealBatchReleases();
    }

    /** Seals the connection released in batches so far. */
    public static long sealsReleasedInBatches(final Connection conn)
    {
        return ((ShmConnection)conn).sealsReleasedInBatches();
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
