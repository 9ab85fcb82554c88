package io.rpcool.service.processor;

/**
 * The bodies of one type's generated {@code encN}/{@code decN} pair, in the wire form that
 * {@code io.rpcool.service.ServiceWriter} documents: presence bytes for boxes and records, counts for
 * lists and maps ({@code -1} for null), ordinals for enums, addresses for shared containers.
 */
final class CodecBodies
{
    private static final String I2 = "        ";
    private static final String I3 = "            ";

    private CodecBodies()
    {
    }

    /** {encode body, decode body, extra members or null}. */
    static String[] of(final WireTypes types, final WireType t, final int n)
    {
        switch (t.kind)
        {
            case BOX:
                return box(t);
            case LIST:
                return list(types, t);
            case MAP:
                return map(types, t);
            case RECORD:
                return record(types, t);
            case ENUM:
                return enumeration(t, n);
            case SHARED:
                return shared(t);
            default:
                throw new IllegalArgumentException(t.kind.name());
        }
    }

    private static String[] box(final WireType t)
    {
        final String suffix = WireType.suffix(t.primitive);
        return new String[] {
            I2 + "if (out.writePresent(v != null))\n" + I2 + "{\n" + I3 + "out.write" + suffix + "(v);\n" + I2 + "}\n",
            I2 + "return in.readPresent() ? " + t.javaName + ".valueOf(in.read" + suffix + "()) : null;\n",
            null};
    }

    private static String[] list(final WireTypes types, final WireType t)
    {
        final WireType e = t.arguments.get(0);
        final String enc = I2 + "if (v == null)\n" + I2 + "{\n" + I3 + "out.writeCount(-1);\n" + I3 + "return;\n" + I2 + "}\n" +
            I2 + "out.writeCount(v.size());\n" +
            I2 + "for (final " + e.javaName + " e : v)\n" + I2 + "{\n" + I3 + types.encode(e, "e") + "\n" + I2 + "}\n";
        final String dec = I2 + "final int n = in.readCount(" + e.minBytes() + ");\n" +
            I2 + "if (n < 0)\n" + I2 + "{\n" + I3 + "return null;\n" + I2 + "}\n" +
            I2 + "final " + t.javaName + " list = new java.util.ArrayList<>(n);\n" +
            I2 + "for (int i = 0; i < n; i++)\n" + I2 + "{\n" + I3 + "list.add(" + types.decode(e) + ");\n" + I2 + "}\n" +
            I2 + "return list;\n";
        return new String[] {enc, dec, null};
    }

    private static String[] map(final WireTypes types, final WireType t)
    {
        final WireType k = t.arguments.get(0);
        final WireType v = t.arguments.get(1);
        final String enc = I2 + "if (v == null)\n" + I2 + "{\n" + I3 + "out.writeCount(-1);\n" + I3 + "return;\n" + I2 + "}\n" +
            I2 + "out.writeCount(v.size());\n" +
            I2 + "for (final java.util.Map.Entry<" + k.javaName + ", " + v.javaName + "> e : v.entrySet())\n" + I2 + "{\n" +
            I3 + types.encode(k, "e.getKey()") + "\n" + I3 + types.encode(v, "e.getValue()") + "\n" + I2 + "}\n";
        final String dec = I2 + "final int n = in.readCount(" + (k.minBytes() + v.minBytes()) + ");\n" +
            I2 + "if (n < 0)\n" + I2 + "{\n" + I3 + "return null;\n" + I2 + "}\n" +
            I2 + "final " + t.javaName + " map = new java.util.LinkedHashMap<>(Math.max(4, n * 2));\n" +
            I2 + "for (int i = 0; i < n; i++)\n" + I2 + "{\n" +
            I3 + "final " + k.javaName + " key = " + types.decode(k) + ";\n" +
            I3 + "map.put(key, " + types.decode(v) + ");\n" + I2 + "}\n" +
            I2 + "return map;\n";
        return new String[] {enc, dec, null};
    }

    private static String[] record(final WireTypes types, final WireType t)
    {
        final StringBuilder enc = new StringBuilder(I2 + "if (out.writePresent(v != null))\n" + I2 + "{\n");
        final StringBuilder dec = new StringBuilder(I2 + "if (!in.readPresent())\n" + I2 + "{\n" + I3 + "return null;\n" + I2 + "}\n");
        final StringBuilder args = new StringBuilder();
        int i = 0;
        for (final WireType.Component c : t.components)
        {
            enc.append(I3).append(types.encode(c.type(), "v." + c.name() + "()")).append('\n');
            dec.append(I2).append("final ").append(c.type().javaName).append(" c").append(i).append(" = ")
                .append(types.decode(c.type())).append(";\n");
            args.append(i == 0 ? "" : ", ").append('c').append(i);
            i++;
        }
        enc.append(I2).append("}\n");
        dec.append(I2).append("return new ").append(t.javaName).append('(').append(args).append(");\n");
        return new String[] {enc.toString(), dec.toString(), null};
    }

    private static String[] enumeration(final WireType t, final int n)
    {
        final String values = "ENUM" + n;
        final String enc = I2 + "out.writeInt(v == null ? -1 : v.ordinal());\n";
        final String dec = I2 + "final int o = in.readInt();\n" +
            I2 + "if (o == -1)\n" + I2 + "{\n" + I3 + "return null;\n" + I2 + "}\n" +
            I2 + "if (o < 0 || o >= " + values + ".length)\n" + I2 + "{\n" +
            I3 + "throw new MalformedMessageException(\"no constant \" + o + \" in " + t.javaName + "\");\n" + I2 + "}\n" +
            I2 + "return " + values + "[o];\n";
        final String extra = "    private static final " + t.javaName + "[] " + values + " = " + t.javaName + ".values();\n\n";
        return new String[] {enc, dec, extra};
    }

    private static String[] shared(final WireType t)
    {
        final String enc = I2 + "out.writeAddress(v == null ? 0L : v.address());\n";
        final String dec = I2 + "final long address = in.readAddress();\n" +
            I2 + "return address == 0L ? null : " + (WireTypes.RPC_BUFFER.equals(t.javaName) ?
                t.javaName + ".attach(in.regions(), address);\n" : "new " + t.javaName + "().wrap(in.regions(), address);\n");
        return new String[] {enc, dec, null};
    }
}
