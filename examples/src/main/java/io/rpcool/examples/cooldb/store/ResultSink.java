package io.rpcool.examples.cooldb.store;

/**
 * Receives a query result from {@link CoolDbEngine}: the columns, then {@code rows * columns} cells in
 * row-major order, each either a value of a stored document ({@link #cell(long)}) or a number the
 * query computed ({@link #number(long)}). A store turns this into its reply: pointers into shared
 * memory, or Protobuf values.
 */
public interface ResultSink
{
    /**
     * @param columns  names of the columns.
     * @param rows     number of rows that follow.
     * @param computed how many of the cells will be {@link #number(long)} cells.
     */
    void begin(String[] columns, int rows, int computed);

    /**
     * @param handle of a stored value, or 0 for an absent (null) cell.
     */
    void cell(long handle);

    /**
     * @param value a computed number (a count, a group key).
     */
    void number(long value);
}
