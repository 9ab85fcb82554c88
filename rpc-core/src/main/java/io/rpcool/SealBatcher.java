package io.rpcool;

import static io.rpcool.layout.ConnectionDescriptor.PAGE_SIZE;

import io.rpcool.layout.SealDescriptor;
import io.rpcool.seal.HeapSeals;
import io.rpcool.seal.SealException;

/**
 * The seals of one shared-memory connection's request buffers: seals a call's request before it
 * is published, keeps completed seals in a batch and releases the batch with one permission change
 * once {@code releaseThreshold} seals wait (or when a buffer is needed again). Every method is
 * guarded by this object's monitor: calls of one connection may be made from several threads.
 */
final class SealBatcher
{
    private final HeapSeals seals;
    private final String channelName;
    private final long requestBuffersOffset;
    private final int bufferSize;
    private final int releaseThreshold;
    private final long[] batchIds;
    private final ClientCall[] batchCalls;
    private int batchCount;
    private long sealsMade;
    private long batchReleases;
    private long sealsReleasedInBatches;
    private long singleReleases;

    /**
     * @param requestBuffersOffset offset of slot 0's request buffer in the heap.
     * @param releaseThreshold     completed seals released together (at most the slot count).
     */
    SealBatcher(
        final HeapSeals seals,
        final String channelName,
        final long requestBuffersOffset,
        final int bufferSize,
        final int slots,
        final int releaseThreshold)
    {
        this.seals = seals;
        this.channelName = channelName;
        this.requestBuffersOffset = requestBuffersOffset;
        this.bufferSize = bufferSize;
        this.releaseThreshold = Math.max(1, Math.min(releaseThreshold, slots));
        this.batchIds = new long[slots];
        this.batchCalls = new ClientCall[slots];
    }

    HeapSeals seals()
    {
        return seals;
    }

    int releaseThreshold()
    {
        return releaseThreshold;
    }

    /**
     * Seal the first {@code length} bytes (whole pages) of the call's request buffer.
     */
    synchronized void seal(final ClientCall call, final int length)
    {
        final long pages = Math.max(1, (length + (long)PAGE_SIZE - 1) / PAGE_SIZE);
        final long sealId = seals.seal(requestBuffersOffset + (long)bufferSize * call.slot, pages * PAGE_SIZE);
        sealsMade++;
        call.sealId = sealId;
        call.request.sealed(SealableBuffer.IN_FLIGHT, sealId);
    }

    /**
     * The call needs its buffer for a new request: release its seal if the server completed it,
     * with every other completed seal of the connection.
     *
     * @throws SealException if the server never completed it.
     */
    synchronized void takeBack(final ClientCall call)
    {
        final long sealId = call.sealId;
        if (sealId == 0)
        {
            return;
        }
        if (call.batchIndex >= 0)
        {
            flush();
        }
        else if (seals.state(sealId) == SealDescriptor.STATE_COMPLETE)
        {
            releaseOne(call);
        }
        if (call.sealId != 0)
        {
            throw new SealException(SealException.Reason.NOT_COMPLETE, String.format(
                "the request buffer of slot %d on %s is still sealed: the server has not completed seal 0x%x " +
                "(its call failed or timed out); it cannot be written or sealed again until the server completes it",
                call.slot, channelName, sealId));
        }
    }

    /** A sealed call completed or failed: its seal waits for release, in the batch if the server completed it. */
    synchronized void ended(final ClientCall call, final long sealId)
    {
        if (call.sealId != sealId)
        {
            // Released early (releaseSeal), and maybe sealed again by a newer call.
            return;
        }
        call.request.sealed(SealableBuffer.HELD, sealId);
        if (call.batchIndex < 0 && seals.state(sealId) == SealDescriptor.STATE_COMPLETE)
        {
            batchIds[batchCount] = sealId;
            batchCalls[batchCount] = call;
            call.batchIndex = batchCount++;
            if (batchCount >= releaseThreshold)
            {
                flush();
            }
        }
    }

    /** Release the call's seal on its own. */
    synchronized void release(final ClientCall call)
    {
        if (call.sealId != 0)
        {
            releaseOne(call);
        }
    }

    /** Release every completed seal with one permission change. */
    synchronized void flush()
    {
        final int n = batchCount;
        if (n == 0)
        {
            return;
        }
        try
        {
            seals.release(batchIds, n);
            batchReleases++;
            sealsReleasedInBatches += n;
            for (int i = 0; i < n; i++)
            {
                unsealed(batchCalls[i]);
            }
        }
        catch (final SealException e)
        {
            // All or nothing failed: one of them is not complete any more. Release the others one by one.
            for (int i = 0; i < n; i++)
            {
                final ClientCall c = batchCalls[i];
                try
                {
                    seals.release(batchIds[i]);
                    singleReleases++;
                    unsealed(c);
                }
                catch (final SealException stillSealed)
                {
                    c.batchIndex = -1;
                }
            }
        }
        for (int i = 0; i < n; i++)
        {
            batchCalls[i] = null;
        }
        batchCount = 0;
    }

    synchronized int held()
    {
        return batchCount;
    }

    synchronized long sealsMade()
    {
        return sealsMade;
    }

    synchronized long batchReleases()
    {
        return batchReleases;
    }

    synchronized long sealsReleasedInBatches()
    {
        return sealsReleasedInBatches;
    }

    synchronized long singleReleases()
    {
        return singleReleases;
    }

    private void releaseOne(final ClientCall call)
    {
        seals.release(call.sealId);
        singleReleases++;
        removeFromBatch(call);
        unsealed(call);
    }

    private void removeFromBatch(final ClientCall call)
    {
        final int i = call.batchIndex;
        if (i < 0)
        {
            return;
        }
        final int last = --batchCount;
        if (i != last)
        {
            batchIds[i] = batchIds[last];
            batchCalls[i] = batchCalls[last];
            batchCalls[i].batchIndex = i;
        }
        batchCalls[last] = null;
        call.batchIndex = -1;
    }

    private static void unsealed(final ClientCall call)
    {
        call.sealId = 0;
        call.batchIndex = -1;
        call.request.unsealed();
    }
}
