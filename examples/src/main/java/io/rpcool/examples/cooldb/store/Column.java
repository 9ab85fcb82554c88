package io.rpcool.examples.cooldb.store;

import java.util.Arrays;

/**
 * The values one path takes across the store: document ids in ascending order with the handle of the
 * path's value in each document that has it. A path present in every document so far (str1, num,
 * ...) is read by position; a sparse path (sparse_123) by binary search.
 */
final class Column
{
    private int[] docIds = new int[16];
    private long[] handles = new long[16];
    private int size;

    /**
     * @return false if the document already has a value for this path (a repeated key: the first wins).
     */
    boolean append(final int docId, final long handle)
    {
        if (size > 0 && docIds[size - 1] >= docId)
        {
            return false;
        }
        if (size == docIds.length)
        {
            docIds = Arrays.copyOf(docIds, size * 2);
            handles = Arrays.copyOf(handles, size * 2);
        }
        docIds[size] = docId;
        handles[size] = handle;
        size++;
        return true;
    }

    int size()
    {
        return size;
    }

    int docId(final int i)
    {
        return docIds[i];
    }

    long handleAt(final int i)
    {
        return handles[i];
    }

    /**
     * @return the handle of the path's value in document {@code docId}, or 0.
     */
    long lookup(final int docId)
    {
        if (docId < size && docIds[docId] == docId)
        {
            return handles[docId];
        }
        final int i = Arrays.binarySearch(docIds, 0, size, docId);
        return i >= 0 ? handles[i] : 0;
    }
}
