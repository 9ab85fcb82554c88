package io.rpcool.examples.cooldb.shm;

import static io.rpcool.examples.cooldb.shm.JsonBlockWriter.NODE_LENGTH;
import static io.rpcool.examples.cooldb.shm.JsonBlockWriter.stringLength;
import static io.rpcool.examples.cooldb.shm.JsonBlockWriter.vectorLength;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.rpcool.SharedHeap;
import io.rpcool.examples.cooldb.nobench.NoBench;
import io.rpcool.examples.cooldb.nobench.NoBenchObject;
import io.rpcool.mem.JsonNodeDescriptor;
import io.rpcool.mem.RpcBuffer;
import io.rpcool.mem.VectorDescriptor;

/**
 * The client side of an insert: builds a document as a {@link io.rpcool.mem.SharedJson} tree directly
 * in shared memory, in an {@link RpcBuffer} of its own carved from the channel's shared heap. The
 * buffer is sized exactly first, so a document costs one heap allocation; the server takes the
 * buffer over with the document. Nothing is serialized: the tree is built where the server reads it.
 * Not thread-safe; one writer per thread.
 */
public final class SharedDocumentWriter
{
    private static final byte[] STR1 = ascii(NoBench.STR1);
    private static final byte[] STR2 = ascii(NoBench.STR2);
    private static final byte[] NUM = ascii(NoBench.NUM);
    private static final byte[] BOOL = ascii(NoBench.BOOL);
    private static final byte[] DYN1 = ascii(NoBench.DYN1);
    private static final byte[] DYN2 = ascii(NoBench.DYN2);
    private static final byte[] NESTED_OBJ = ascii(NoBench.NESTED_OBJ);
    private static final byte[] NESTED_STR = ascii(NoBench.NESTED_STR);
    private static final byte[] NESTED_NUM = ascii(NoBench.NESTED_NUM);
    private static final byte[] NESTED_ARR = ascii(NoBench.NESTED_ARR);
    private static final byte[] THOUSANDTH = ascii(NoBench.THOUSANDTH);
    private static final byte[][] SPARSE = new byte[NoBench.SPARSE_KEYS][];
    private static final int MEMBERS = 9 + NoBench.SPARSE_PER_OBJECT;
    /** Bytes of every NoBench document that do not depend on its values: nodes, vectors, keys. */
    private static final int FIXED_LENGTH;

    static
    {
        for (int k = 0; k < SPARSE.length; k++)
        {
            SPARSE[k] = ascii(NoBench.sparseKey(k));
        }
        int fixed = NODE_LENGTH + (int)vectorLength(2 * MEMBERS);
        for (final byte[] key : new byte[][] {STR1, STR2, NUM, BOOL, DYN1, DYN2, NESTED_OBJ, NESTED_ARR, THOUSANDTH})
        {
            fixed += stringLength(key.length);
        }
        fixed += NoBench.SPARSE_PER_OBJECT * stringLength(SPARSE[0].length);
        fixed += 2 * (NODE_LENGTH + NODE_LENGTH);                      // str1, str2 nodes; num, bool nodes
        fixed += 2 * NODE_LENGTH;                                       // dyn1, dyn2 nodes
        fixed += NODE_LENGTH + (int)vectorLength(4) + stringLength(NESTED_STR.length) +
            stringLength(NESTED_NUM.length) + 2 * NODE_LENGTH;          // nested_obj
        fixed += NODE_LENGTH;                                           // nested_arr node
        fixed += NoBench.SPARSE_PER_OBJECT * NODE_LENGTH;               // sparse value nodes
        fixed += NODE_LENGTH;                                           // thousandth
        FIXED_LENGTH = fixed;
    }

    private final JsonBlockWriter writer = new JsonBlockWriter();
    private RpcBuffer buffer;
    private long root;

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * @return the buffer of the last document written.
     */
    public RpcBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the root object node of the last document written.
     */
    public long root()
    {
        return root;
    }

    /**
     * Build a NoBench object as a document in a new buffer of {@code heap}.
     *
     * @param heap   the channel's shared heap.
     * @param object the object.
     * @return the root node; {@link #buffer()} holds the document.
     */
    public long write(final SharedHeap heap, final NoBenchObject object)
    {
        final byte[] str1 = utf8(object.str1());
        final byte[] str2 = utf8(object.str2());
        final byte[] nestedStr = utf8(object.nestedStr());
        final byte[] sparseValue = utf8(object.sparseValue());
        final List<String> words = object.nestedArr();
        final byte[][] wordBytes = new byte[words.size()][];
        long length = FIXED_LENGTH + stringLength(str1.length) + stringLength(str2.length) +
            stringLength(nestedStr.length) + NoBench.SPARSE_PER_OBJECT * stringLength(sparseValue.length) +
            valueLength(object.dyn1()) + valueLength(object.dyn2()) + vectorLength(words.size());
        for (int i = 0; i < wordBytes.length; i++)
        {
            wordBytes[i] = utf8(words.get(i));
            length += NODE_LENGTH + stringLength(wordBytes[i].length);
        }
        final JsonBlockWriter w = begin(heap, length);

        final long members = w.vector(VectorDescriptor.ROLE_JSON_MEMBERS, 2 * MEMBERS);
        root = w.node(JsonNodeDescriptor.KIND_OBJECT, members);
        int m = 0;
        m = member(w, members, m, STR1, w.stringNode(str1));
        m = member(w, members, m, STR2, w.stringNode(str2));
        m = member(w, members, m, NUM, w.longNode(object.num()));
        m = member(w, members, m, BOOL, w.booleanNode(object.bool()));
        m = member(w, members, m, DYN1, w.value(object.dyn1()));
        m = member(w, members, m, DYN2, w.value(object.dyn2()));

        final long nestedMembers = w.vector(VectorDescriptor.ROLE_JSON_MEMBERS, 4);
        final long nested = w.node(JsonNodeDescriptor.KIND_OBJECT, nestedMembers);
        member(w, nestedMembers, 0, NESTED_STR, w.stringNode(nestedStr));
        member(w, nestedMembers, 2, NESTED_NUM, w.longNode(object.nestedNum()));
        m = member(w, members, m, NESTED_OBJ, nested);

        final long elements = w.vector(VectorDescriptor.ROLE_JSON_ARRAY, wordBytes.length);
        final long array = w.node(JsonNodeDescriptor.KIND_ARRAY, elements);
        for (int i = 0; i < wordBytes.length; i++)
        {
            w.element(elements, i, w.stringNode(wordBytes[i]));
        }
        m = member(w, members, m, NESTED_ARR, array);

        for (int k = object.sparseFirst(); k < object.sparseFirst() + NoBench.SPARSE_PER_OBJECT; k++)
        {
            m = member(w, members, m, SPARSE[k], w.stringNode(sparseValue));
        }
        member(w, members, m, THOUSANDTH, w.longNode(object.thousandth()));
        finish(length);
        return root;
    }

    /**
     * Build any JSON value given as Java values ({@code Map}, {@code List}, {@code String}, numbers,
     * {@code Boolean}, null) in a new buffer of {@code heap}.
     *
     * @param heap  the channel's shared heap.
     * @param value the value.
     * @return its root node; {@link #buffer()} holds it.
     */
    public long write(final SharedHeap heap, final Object value)
    {
        final long length = JsonBlockWriter.length(value);
        final JsonBlockWriter w = begin(heap, length);
        root = w.value(value);
        finish(length);
        return root;
    }

    private JsonBlockWriter begin(final SharedHeap heap, final long length)
    {
        if (length > Integer.MAX_VALUE - 64)
        {
            throw new IllegalArgumentException("document of " + length + " bytes is too large");
        }
        buffer = heap.createBuffer(length);
        final long address = buffer.allocate(length);
        if (address == 0)
        {
            throw new IllegalStateException("a fresh buffer of " + buffer.capacity() + " bytes refused " + length);
        }
        return writer.wrap(address, (int)length);
    }

    private void finish(final long length)
    {
        if (writer.used() != length)
        {
            throw new IllegalStateException("document took " + writer.used() + " bytes, sized " + length);
        }
    }

    private static int member(final JsonBlockWriter w, final long members, final int index, final byte[] key,
        final long value)
    {
        w.element(members, index, w.string(key));
        w.element(members, index + 1, value);
        return index + 2;
    }

    private static long valueLength(final Object value)
    {
        return value instanceof String ? stringLength(utf8((String)value).length) : 0;
    }

    private static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
