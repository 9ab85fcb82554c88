package io.rpcool.examples.cooldb.store;

/**
 * How {@link CoolDbEngine} reads the values of one store's documents. A handle names one JSON value
 * of a stored document (a pointer into shared memory, or an entry of a table of Protobuf values);
 * 0 means "no value". Kinds are those of {@link io.rpcool.mem.JsonNodeDescriptor}: a number that is
 * an integer in the range of {@code long} is {@code KIND_LONG} whatever the store's representation.
 */
public interface ValueReader
{
    /**
     * @param handle of a value.
     * @return its kind, a {@code KIND_} constant of {@link io.rpcool.mem.JsonNodeDescriptor}.
     */
    int kind(long handle);

    /**
     * @param handle of a {@code KIND_LONG} value.
     * @return the number.
     */
    long longValue(long handle);

    /**
     * @param handle of a {@code KIND_STRING} value.
     * @return the string.
     */
    String stringValue(long handle);

    /**
     * @param handle of a {@code KIND_ARRAY} value.
     * @return its number of elements.
     */
    int elementCount(long handle);

    /**
     * @param handle of a {@code KIND_ARRAY} value.
     * @param index  of an element.
     * @return the element if it is a string, else null.
     */
    String elementString(long handle, int index);
}
