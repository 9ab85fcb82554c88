package io.rpcool.examples.cooldb.shm;

import static io.rpcool.mem.JsonNodeDescriptor.KIND_ARRAY;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_BOOLEAN;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_DOUBLE;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_LONG;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_OBJECT;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_OFFSET;
import static io.rpcool.mem.JsonNodeDescriptor.KIND_STRING;
import static io.rpcool.mem.JsonNodeDescriptor.VALUE_OFFSET;

import java.util.ArrayList;
import java.util.List;

import io.rpcool.examples.cooldb.store.Digests;
import io.rpcool.mem.MalformedStructureException;
import io.rpcool.mem.MemoryRegion;
import io.rpcool.mem.RegionSet;
import io.rpcool.mem.SharedJson;
import io.rpcool.mem.SharedString;
import io.rpcool.mem.SharedTypeException;
import io.rpcool.mem.SharedTypes;
import io.rpcool.mem.StringDescriptor;
import io.rpcool.mem.VectorDescriptor;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Flyweight over a query result in shared memory ({@link ResultSetDescriptor}), read in place: a
 * cell is a pointer to a JSON node, usually inside a stored document. Every read is checked against
 * the {@link RegionSet} the flyweight wraps.
 */
public final class SharedResultSet
{
    private static final int MAX_DEPTH = 64;

    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private long viewBase;
    private long viewEnd;
    private RegionSet regions;
    private long address;
    private long rows;
    private int columns;
    private long names;
    private long cells;

    /**
     * @param regions the result must lie in (the channel's shared heap).
     * @param address of the result set.
     * @return this flyweight.
     */
    public SharedResultSet wrap(final RegionSet regions, final long address)
    {
        SharedTypes.checkTag(regions, address, ResultSetDescriptor.TAG);
        regions.checkBounds(address, ResultSetDescriptor.LENGTH);
        final long rowCount = regions.getLong(address + ResultSetDescriptor.ROWS_OFFSET);
        final long columnCount = regions.getLong(address + ResultSetDescriptor.COLUMNS_OFFSET);
        final long nameVector = regions.getLong(address + ResultSetDescriptor.COLUMN_NAMES_OFFSET);
        final long cellVector = regions.getLong(address + ResultSetDescriptor.CELLS_OFFSET);
        if (rowCount < 0 || columnCount < 1 || columnCount > 64 ||
            vectorSize(regions, nameVector) != columnCount || vectorSize(regions, cellVector) != rowCount * columnCount)
        {
            throw new MalformedStructureException("result set at 0x" + Long.toHexString(address) + " is inconsistent");
        }
        this.regions = regions;
        this.address = address;
        this.rows = rowCount;
        this.columns = (int)columnCount;
        this.names = regions.getLong(nameVector + VectorDescriptor.ELEMENTS_OFFSET);
        this.cells = regions.getLong(cellVector + VectorDescriptor.ELEMENTS_OFFSET);
        return this;
    }

    private static long vectorSize(final RegionSet regions, final long vector)
    {
        SharedTypes.checkTag(regions, vector, SharedTypes.POINTER_VECTOR);
        final long size = regions.getLong(vector + VectorDescriptor.SIZE_OFFSET);
        if (size > 0)
        {
            regions.checkBounds(regions.getLong(vector + VectorDescriptor.ELEMENTS_OFFSET), size * 8);
        }
        return size;
    }

    public long address()
    {
        return address;
    }

    public long rows()
    {
        return rows;
    }

    public int columns()
    {
        return columns;
    }

    public String columnName(final int column)
    {
        return SharedString.read(regions, regions.getLong(names + 8L * checkColumn(column)));
    }

    public List<String> columnNames()
    {
        final List<String> list = new ArrayList<>(columns);
        for (int c = 0; c < columns; c++)
        {
            list.add(columnName(c));
        }
        return list;
    }

    /**
     * @return pointer to the JSON node of a cell, or 0 for an absent value.
     */
    public long cell(final long row, final int column)
    {
        if (row < 0 || row >= rows)
        {
            throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        }
        return regions.getLong(cells + 8 * (row * columns + checkColumn(column)));
    }

    private int checkColumn(final int column)
    {
        if (column < 0 || column >= columns)
        {
            throw new IndexOutOfBoundsException("column " + column + " of " + columns);
        }
        return column;
    }

    /**
     * @return the rows as Java values ({@link SharedJson#toJava}); an absent cell is null.
     */
    public List<List<Object>> toJava()
    {
        final List<List<Object>> table = new ArrayList<>((int)Math.min(rows, 1 << 20));
        for (long r = 0; r < rows; r++)
        {
            final List<Object> row = new ArrayList<>(columns);
            for (int c = 0; c < columns; c++)
            {
                final long node = cell(r, c);
                row.add(node == 0 ? null : SharedJson.toJava(regions, node));
            }
            table.add(row);
        }
        return table;
    }

    /**
     * Read every value of the result once, in place (see {@link Digests}).
     *
     * @return the result's digest.
     */
    public long digest()
    {
        viewBase = 0;
        viewEnd = 0;
        long digest = rows * Digests.ROW;
        long cell = cells;
        for (long r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                final long node = readLong(cell);
                cell += 8;
                if (node != 0)
                {
                    digest += Digests.cell(c, digest(node, 0));
                }
            }
        }
        return digest;
    }

    private long digest(final long node, final int depth)
    {
        if (depth >= MAX_DEPTH)
        {
            throw new MalformedStructureException("result nested deeper than " + MAX_DEPTH);
        }
        if (readInt(node) != SharedTypes.JSON_NODE)
        {
            throw new SharedTypeException("no JSON node at 0x" + Long.toHexString(node));
        }
        final long value = readLong(node + VALUE_OFFSET);
        switch (readInt(node + KIND_OFFSET))
        {
            case KIND_BOOLEAN:
                return value != 0 ? Digests.TRUE : Digests.FALSE;
            case KIND_LONG:
                return value;
            case KIND_DOUBLE:
                return Digests.number(Double.longBitsToDouble(value));
            case KIND_STRING:
                return Digests.string(stringLength(value));
            case KIND_ARRAY:
            {
                long digest = Digests.ARRAY;
                final long size = vectorSize(regions, value);
                final long elements = readLong(value + VectorDescriptor.ELEMENTS_OFFSET);
                for (long i = 0; i < size; i++)
                {
                    digest += digest(readLong(elements + 8 * i), depth + 1);
                }
                return digest;
            }
            case KIND_OBJECT:
            {
                long digest = Digests.OBJECT;
                final long size = vectorSize(regions, value);
                final long elements = readLong(value + VectorDescriptor.ELEMENTS_OFFSET);
                for (long i = 0; i + 1 < size; i += 2)
                {
                    digest += Digests.member(stringLength(readLong(elements + 8 * i)),
                        digest(readLong(elements + 8 * i + 8), depth + 1));
                }
                return digest;
            }
            default:
                return 0;
        }
    }

    private int stringLength(final long string)
    {
        if (readInt(string) != SharedTypes.STRING)
        {
            throw new SharedTypeException("no string at 0x" + Long.toHexString(string));
        }
        return readInt(string + StringDescriptor.LENGTH_OFFSET);
    }

    /*
     * Reads of the digest walk: checked against the region of the previous read first (one compare),
     * else against the whole set, which throws for an address outside every region. The explicit
     * check is what keeps a read inside the region; it does not rely on Agrona's switchable checks.
     */

    private long readLong(final long at)
    {
        if (at < viewBase || at > viewEnd - 8)
        {
            selectRegion(at, 8);
        }
        return view.getLong((int)(at - viewBase));
    }

    private int readInt(final long at)
    {
        if (at < viewBase || at > viewEnd - 4)
        {
            selectRegion(at, 4);
        }
        return view.getInt((int)(at - viewBase));
    }

    private void selectRegion(final long at, final int length)
    {
        final MemoryRegion region = regions.regionOf(at, length);
        if (region.length() > Integer.MAX_VALUE)
        {
            throw new MalformedStructureException("region " + region + " is too large to view");
        }
        view.wrap(region.base(), (int)region.length());
        viewBase = region.base();
        viewEnd = region.base() + region.length();
    }
}
