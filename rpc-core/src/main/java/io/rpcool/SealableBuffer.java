package io.rpcool;

import java.nio.ByteBuffer;

import org.agrona.AbstractMutableDirectBuffer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A call's request buffer: an off-heap buffer over the connection heap that refuses every write
 * while the call's seal holds. Every mutating method of Agrona's buffers goes through
 * {@link #ensureCapacity}, so a write through this buffer — or through a reference to it kept from
 * before the call — throws {@link IllegalStateException} instead of faulting on the read-only pages.
 * Reads are always allowed. A write that bypasses the buffer (raw {@code Unsafe} on the address) is
 * stopped by the page protection itself.
 */
final class SealableBuffer extends AbstractMutableDirectBuffer
{
    static final int WRITABLE = 0;
    static final int IN_FLIGHT = 1;
    static final int HELD = 2;

    private final int slot;
    private volatile int sealState = WRITABLE;
    private volatile long sealId;

    SealableBuffer(final long address, final int length, final int slot)
    {
        this.slot = slot;
        wrap(address, length);
    }

    void sealed(final int state, final long sealId)
    {
        this.sealId = sealId;
        this.sealState = state;
    }

    void unsealed()
    {
        sealState = WRITABLE;
        sealId = 0;
    }

    boolean isSealed()
    {
        return sealState != WRITABLE;
    }

    @Override
    protected void ensureCapacity(final int index, final int length)
    {
        if (sealState != WRITABLE)
        {
            throw sealedException();
        }
        if (UnsafeBuffer.SHOULD_BOUNDS_CHECK)
        {
            boundsCheck0(index, length);
        }
    }

    private IllegalStateException sealedException()
    {
        final long id = sealId;
        if (sealState == IN_FLIGHT)
        {
            return new IllegalStateException(String.format(
                "buffer sealed: the call on slot %d is in flight with its request sealed (seal 0x%x); " +
                "the request cannot change until the reply arrives and the seal is released", slot, id));
        }
        return new IllegalStateException(String.format(
            "buffer sealed until released: the request of slot %d is still sealed (seal 0x%x, waiting for a batched " +
            "release); call releaseSeal() or invoke the call again before writing the request", slot, id));
    }

    @Override
    public void wrap(final long address, final int length)
    {
        addressOffset = address;
        capacity = length;
        byteArray = null;
    }

    @Override
    public void wrap(final byte[] buffer)
    {
        throw new UnsupportedOperationException("a request buffer stays over its connection heap");
    }

    @Override
    public void wrap(final byte[] buffer, final int offset, final int length)
    {
        throw new UnsupportedOperationException("a request buffer stays over its connection heap");
    }

    @Override
    public void wrap(final ByteBuffer buffer)
    {
        throw new UnsupportedOperationException("a request buffer stays over its connection heap");
    }

    @Override
    public void wrap(final ByteBuffer buffer, final int offset, final int length)
    {
        throw new UnsupportedOperationException("a request buffer stays over its connection heap");
    }

    @Override
    public void wrap(final DirectBuffer buffer)
    {
        throw new UnsupportedOperationException("a request buffer stays over its connection heap");
    }

    @Override
    public void wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        throw new UnsupportedOperationException("a request buffer stays over its connection heap");
    }

    @Override
    public ByteBuffer byteBuffer()
    {
        return null;
    }

    @Override
    public int wrapAdjustment()
    {
        return 0;
    }

    @Override
    public boolean isExpandable()
    {
        return false;
    }

    @Override
    public String toString()
    {
        return "SealableBuffer{address=" + addressOffset + ", capacity=" + capacity + ", sealed=" + isSealed() + '}';
    }
}
