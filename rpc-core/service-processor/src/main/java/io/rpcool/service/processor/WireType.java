package io.rpcool.service.processor;

import java.util.ArrayList;
import java.util.List;

/**
 * A type as it travels: its kind, its Java spelling in generated code, its canonical signature
 * (what method ids hash: records spelled out component by component, enums with their constants)
 * and the fewest bytes a value of it takes on the wire.
 */
final class WireType
{
    enum Kind
    {
        PRIMITIVE, BOX, STRING, BYTES, LIST, MAP, RECORD, ENUM, SHARED
    }

    /** A record component: accessor name and type. */
    record Component(String name, WireType type)
    {
    }

    final Kind kind;
    /** The type as generated code spells it. */
    final String javaName;
    /** For primitives and boxes: the primitive's name ({@code int}). */
    final String primitive;
    String signature;
    final List<WireType> arguments = new ArrayList<>();
    final List<Component> components = new ArrayList<>();
    final List<String> constants = new ArrayList<>();

    WireType(final Kind kind, final String javaName, final String primitive)
    {
        this.kind = kind;
        this.javaName = javaName;
        this.primitive = primitive;
    }

    /** Fewest bytes a value takes: what bounds the element count a reader accepts. */
    int minBytes()
    {
        switch (kind)
        {
            case PRIMITIVE:
                return width(primitive);
            case SHARED:
                return 8;
            case BOX:
            case RECORD:
                return 1;
            default:
                return 4;
        }
    }

    static int width(final String primitive)
    {
        switch (primitive)
        {
            case "boolean":
            case "byte":
                return 1;
            case "short":
            case "char":
                return 2;
            case "int":
            case "float":
                return 4;
            default:
                return 8;
        }
    }

    /** The reader and writer method suffix of a primitive: {@code int} reads with {@code readInt}. */
    static String suffix(final String primitive)
    {
        return Character.toUpperCase(primitive.charAt(0)) + primitive.substring(1);
    }

    /** True if a value of this type, or of a type inside it, is a shared container. */
    boolean usesSharedMemory()
    {
        return usesSharedMemory(new java.util.HashSet<>());
    }

    private boolean usesSharedMemory(final java.util.Set<WireType> seen)
    {
        if (kind == Kind.SHARED)
        {
            return true;
        }
        if (!seen.add(this))
        {
            return false;
        }
        for (final WireType t : arguments)
        {
            if (t.usesSharedMemory(seen))
            {
                return true;
            }
        }
        for (final Component c : components)
        {
            if (c.type().usesSharedMemory(seen))
            {
                return true;
            }
        }
        return false;
    }
}
