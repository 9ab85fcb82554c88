package io.rpcool.examples.cooldb.store;

import java.util.Arrays;

/**
 * The fields of one document a store hands to {@link CoolDbEngine#insert}: every top-level member
 * (path = key) and every member of a top-level object (path = {@code key.member}), each with the
 * handle and kind of its value. Reused from one insert to the next.
 */
public final class DocumentFields
{
    private String[] paths = new String[32];
    private long[] handles = new long[32];
    private int[] kinds = new int[32];
    private int size;

    public DocumentFields clear()
    {
        Arrays.fill(paths, 0, size, null);
        size = 0;
        return this;
    }

    /**
     * @param path   key, or {@code key.member} for a member of a top-level object.
     * @param handle of the value.
     * @param kind   of the value.
     * @return this.
     */
    public DocumentFields add(final String path, final long handle, final int kind)
    {
        if (size == paths.length)
        {
            paths = Arrays.copyOf(paths, size * 2);
            handles = Arrays.copyOf(handles, size * 2);
            kinds = Arrays.copyOf(kinds, size * 2);
        }
        paths[size] = path;
        handles[size] = handle;
        kinds[size] = kind;
        size++;
        return this;
    }

    public int size()
    {
        return size;
    }

    public String path(final int i)
    {
        return paths[i];
    }

    public long handle(final int i)
    {
        return handles[i];
    }

    public int kind(final int i)
    {
        return kinds[i];
    }
}
