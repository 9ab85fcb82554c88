package io.rpcool.examples.cooldb.shm;

import static io.rpcool.examples.cooldb.shm.JsonBlockWriter.NODE_LENGTH;
import static io.rpcool.examples.cooldb.shm.JsonBlockWriter.stringLength;
import static io.rpcool.examples.cooldb.shm.JsonBlockWriter.vectorLength;

import java.nio.charset.StandardCharsets;

import io.rpcool.SharedHeap;
import io.rpcool.examples.cooldb.store.ResultSink;
import io.rpcool.mem.RpcBuffer;
import io.rpcool.mem.VectorDescriptor;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Builds a query result ({@link ResultSetDescriptor}) in one exactly-sized {@link RpcBuffer} of the
 * channel's shared heap: cells that name stored values are the pointers themselves; computed numbers
 * (Q10's groups and counts) become new nodes in the same buffer. Not thread-safe.
 */
final class SharedResultWriter implements ResultSink
{
    private final JsonBlockWriter writer = new JsonBlockWriter();
    private final UnsafeBuffer header = new UnsafeBuffer(0, 0);
    private final SharedHeap heap;
    private RpcBuffer buffer;
    private long resultSet;
    private long cells;
    private long expectedCells;
    private int next;

    SharedResultWriter(final SharedHeap heap)
    {
        this.heap = heap;
    }

    @Override
    public void begin(final String[] columns, final int rows, final int computed)
    {
        expectedCells = (long)rows * columns.length;
        if (expectedCells > Integer.MAX_VALUE / VectorDescriptor.ELEMENT_LENGTH)
        {
            throw new IllegalStateException("result of " + expectedCells + " cells is too large");
        }
        final byte[][] names = new byte[columns.length][];
        long length = ResultSetDescriptor.LENGTH + vectorLength(columns.length) + vectorLength(expectedCells) +
            (long)computed * NODE_LENGTH;
        for (int i = 0; i < names.length; i++)
        {
            names[i] = columns[i].getBytes(StandardCharsets.UTF_8);
            length += stringLength(names[i].length);
        }
        buffer = heap.createBuffer(length);
        final long address = buffer.allocate(length);
        resultSet = address;
        writer.wrap(address + ResultSetDescriptor.LENGTH, (int)(length - ResultSetDescriptor.LENGTH));
        final long nameVector = writer.vector(VectorDescriptor.ROLE_LIST, names.length);
        for (int i = 0; i < names.length; i++)
        {
            writer.element(nameVector, i, writer.string(names[i]));
        }
        cells = writer.vector(VectorDescriptor.ROLE_LIST, (int)expectedCells);
        header.wrap(address, ResultSetDescriptor.LENGTH);
        header.putInt(ResultSetDescriptor.TAG_OFFSET, ResultSetDescriptor.TAG);
        header.putInt(ResultSetDescriptor.TAG_OFFSET + 4, 0);
        header.putLong(ResultSetDescriptor.ROWS_OFFSET, rows);
        header.putLong(ResultSetDescriptor.COLUMNS_OFFSET, columns.length);
        header.putLong(ResultSetDescriptor.COLUMN_NAMES_OFFSET, nameVector);
        header.putLong(ResultSetDescriptor.CELLS_OFFSET, cells);
        next = 0;
    }

    @Override
    public void cell(final long handle)
    {
        writer.element(cells, next++, handle);
    }

    @Override
    public void number(final long value)
    {
        final long node = writer.longNode(value);
        writer.element(cells, next++, node);
    }

    /**
     * @return the buffer holding the finished result; its result set starts at {@link #resultSet()}.
     */
    RpcBuffer finish()
    {
        if (next != expectedCells)
        {
            buffer.destroy();
            throw new IllegalStateException("query wrote " + next + " cells, announced " + expectedCells);
        }
        final RpcBuffer done = buffer;
        buffer = null;
        return done;
    }

    /**
     * Drop a result that failed half-way.
     */
    void abort()
    {
        if (buffer != null)
        {
            buffer.destroy();
            buffer = null;
        }
    }

    long resultSet()
    {
        return resultSet;
    }
}
