package io.rpcool.mem;

/**
 * Example of a user-defined structure: a binary search tree node with a long key, a string label
 * and two child pointers.
 */
final class TreeNode extends SharedStruct<TreeNode>
{
    static final int TAG = 0x54524545;
    static final int KEY_OFFSET = StructDescriptor.HEADER_LENGTH;
    static final int LABEL_OFFSET = KEY_OFFSET + 8;
    static final int LEFT_OFFSET = LABEL_OFFSET + 8;
    static final int RIGHT_OFFSET = LEFT_OFFSET + 8;
    static final int LENGTH = RIGHT_OFFSET + 8;

    @Override
    protected int typeTag()
    {
        return TAG;
    }

    @Override
    protected int structLength()
    {
        return LENGTH;
    }

    @Override
    protected long pointerFieldMask()
    {
        return 0b1110;
    }

    long key()
    {
        return getLong(KEY_OFFSET);
    }

    TreeNode key(final long value)
    {
        putLong(KEY_OFFSET, value);
        return this;
    }

    String label()
    {
        return getString(LABEL_OFFSET);
    }

    TreeNode label(final long stringPointer)
    {
        putLong(LABEL_OFFSET, stringPointer);
        return this;
    }

    long left()
    {
        return getLong(LEFT_OFFSET);
    }

    TreeNode left(final long pointer)
    {
        putLong(LEFT_OFFSET, pointer);
        return this;
    }

    long right()
    {
        return getLong(RIGHT_OFFSET);
    }

    TreeNode right(final long pointer)
    {
        putLong(RIGHT_OFFSET, pointer);
        return this;
    }
}
