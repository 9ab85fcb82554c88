package io.rpcool.examples.cooldb.store;

import java.util.Arrays;

import org.agrona.collections.Object2IntHashMap;

/**
 * Equality index of string values: value to the ascending ids of the documents holding it. Each value
 * heads a linked list of entries (newest first) kept in two int arrays, so a value held by one
 * document costs one map entry and eight bytes.
 */
final class StringIndex
{
    private static final int NONE = -1;

    private final Object2IntHashMap<String> heads = new Object2IntHashMap<>(NONE);
    private int[] entryDoc = new int[64];
    private int[] entryNext = new int[64];
    private int entries;

    void add(final String value, final int docId)
    {
        final int head = heads.put(value, entries); // one lookup: the new entry becomes the head
        if (head != NONE && entryDoc[head] == docId)
        {
            heads.put(value, head); // the same value twice in one document (a repeated array element)
            return;
        }
        if (entries == entryDoc.length)
        {
            entryDoc = Arrays.copyOf(entryDoc, entries * 2);
            entryNext = Arrays.copyOf(entryNext, entries * 2);
        }
        entryDoc[entries] = docId;
        entryNext[entries] = head;
        entries++;
    }

    /**
     * @return ids of the documents holding {@code value}, ascending.
     */
    int[] lookup(final String value)
    {
        int e = heads.getValue(value);
        int n = 0;
        for (int i = e; i != NONE; i = entryNext[i])
        {
            n++;
        }
        final int[] docs = new int[n];
        while (e != NONE)
        {
            docs[--n] = entryDoc[e];
            e = entryNext[e];
        }
        return docs;
    }
}
