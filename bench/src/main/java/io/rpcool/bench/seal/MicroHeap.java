package io.rpcool.bench.seal;

import static io.rpcool.bench.seal.SealBench.MICRO_ADDRESS;
import static io.rpcool.bench.seal.SealBench.PAGE;

import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.nativeio.Native;
import io.rpcool.nativeio.SharedMemory;
import io.rpcool.seal.HeapSeals;
import io.rpcool.seal.HeapSource;
import io.rpcool.seal.MprotectSealBackend;
import io.rpcool.seal.SealRing;
import io.rpcool.seal.kmod.KernelSealBackend;

/** Sender and receiver views of one heap, for the in-process seal micro-benchmarks. */
interface MicroHeap extends AutoCloseable
{
    HeapSeals sender();

    void complete(long sealId);

    long dataOffset();

    @Override
    void close();

    /** A heap of {@code dataPages} pages at {@link SealBench#MICRO_ADDRESS}, sealed by {@code backend}. */
    static MicroHeap open(final String backend, final int dataPages)
    {
        if (KernelSealBackend.NAME.equals(backend))
        {
            final long length = (long)dataPages * PAGE;
            final KernelSealBackend kernel = new KernelSealBackend();
            final HeapSource source = kernel.openHeapSource();
            final long heapId = source.create(length, dataPages);
            final int pid = Native.pid();
            final HeapSeals sender = kernel.attach(source.grant(heapId, pid, false), MICRO_ADDRESS, length, true, false);
            final HeapSeals receiver = kernel.attach(source.grant(heapId, pid, true), MICRO_ADDRESS, length, false, true);
            touch(MICRO_ADDRESS, length);
            return new Views(sender, receiver::complete, 0, () ->
            {
                sender.close();
                receiver.close();
                SharedMemory.unmap(MICRO_ADDRESS, length);
                source.destroy(heapId);
                source.close();
            });
        }
        final int descriptorPages = (dataPages * 64 + PAGE - 1) / PAGE;
        final long length = (long)(descriptorPages + dataPages) * PAGE;
        final int fd = SharedMemory.createSealed("rpcool-seal-bench", length);
        SharedMemory.mapFixed(fd, MICRO_ADDRESS, length);
        SharedMemory.close(fd);
        final UnsafeBuffer heap = new UnsafeBuffer(MICRO_ADDRESS, (int)length);
        touch(MICRO_ADDRESS, length);
        final HeapSeals sender = MprotectSealBackend.forHeap(MICRO_ADDRESS, heap, 0, dataPages, 1, Native.pid());
        final SealRing receiver = new SealRing(heap, 0, dataPages, 1);
        return new Views(sender, receiver::complete, (long)descriptorPages * PAGE, () -> SharedMemory.unmap(MICRO_ADDRESS, length));
    }

    private static void touch(final long address, final long length)
    {
        final UnsafeBuffer b = new UnsafeBuffer(address, (int)length);
        for (long off = 0; off < length; off += PAGE)
        {
            b.putLong((int)off, off);
        }
    }

    /** A heap's sender seals, how the receiver completes a seal, where data starts, and how it goes. */
    final class Views implements MicroHeap
    {
        private final HeapSeals sender;
        private final java.util.function.LongConsumer completer;
        private final long dataOffset;
        private final Runnable closer;

        Views(final HeapSeals sender, final java.util.function.LongConsumer completer, final long dataOffset, final Runnable closer)
        {
            this.sender = sender;
            this.completer = completer;
            this.dataOffset = dataOffset;
            this.closer = closer;
        }

        @Override
        public HeapSeals sender()
        {
            return sender;
        }

        @Override
        public void complete(final long sealId)
        {
            completer.accept(sealId);
        }

        @Override
        public long dataOffset()
        {
            return dataOffset;
        }

        @Override
        public void close()
        {
            closer.run();
        }
    }
}
