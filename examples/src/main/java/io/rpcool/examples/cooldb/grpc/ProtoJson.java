package io.rpcool.examples.cooldb.grpc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.rpcool.examples.cooldb.nobench.NoBench;
import io.rpcool.examples.cooldb.nobench.NoBenchObject;
import io.rpcool.examples.cooldb.store.Digests;

/**
 * JSON documents as Protobuf values ({@code google.protobuf.Struct} and {@code Value}): building them
 * from NoBench objects and Java values, reading them back, and their {@link Digests digest}. Numbers
 * are doubles in {@code Value}; NoBench's integers are far below 2^53 and stay exact.
 */
public final class ProtoJson
{
    public static final Value NULL = Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();

    private ProtoJson()
    {
    }

    public static Value string(final String s)
    {
        return Value.newBuilder().setStringValue(s).build();
    }

    public static Value number(final double d)
    {
        return Value.newBuilder().setNumberValue(d).build();
    }

    public static Value bool(final boolean b)
    {
        return Value.newBuilder().setBoolValue(b).build();
    }

    /**
     * @return the NoBench object as a Struct, keys in NoBench's order.
     */
    public static Struct document(final NoBenchObject o)
    {
        final Struct.Builder doc = Struct.newBuilder();
        doc.putFields(NoBench.STR1, string(o.str1()));
        doc.putFields(NoBench.STR2, string(o.str2()));
        doc.putFields(NoBench.NUM, number(o.num()));
        doc.putFields(NoBench.BOOL, bool(o.bool()));
        doc.putFields(NoBench.DYN1, value(o.dyn1()));
        doc.putFields(NoBench.DYN2, value(o.dyn2()));
        doc.putFields(NoBench.NESTED_OBJ, Value.newBuilder().setStructValue(Struct.newBuilder()
            .putFields(NoBench.NESTED_STR, string(o.nestedStr()))
            .putFields(NoBench.NESTED_NUM, number(o.nestedNum()))).build());
        final ListValue.Builder words = ListValue.newBuilder();
        for (final String word : o.nestedArr())
        {
            words.addValues(string(word));
        }
        doc.putFields(NoBench.NESTED_ARR, Value.newBuilder().setListValue(words).build());
        final Value sparse = string(o.sparseValue());
        for (int k = o.sparseFirst(); k < o.sparseFirst() + NoBench.SPARSE_PER_OBJECT; k++)
        {
            doc.putFields(NoBench.sparseKey(k), sparse);
        }
        doc.putFields(NoBench.THOUSANDTH, number(o.thousandth()));
        return doc.build();
    }

    /**
     * @param json Java JSON value ({@code Map}, {@code List}, {@code String}, numbers, {@code Boolean}, null).
     * @return it as a Protobuf value.
     */
    public static Value value(final Object json)
    {
        if (json == null)
        {
            return NULL;
        }
        if (json instanceof String)
        {
            return string((String)json);
        }
        if (json instanceof Boolean)
        {
            return bool((Boolean)json);
        }
        if (json instanceof Number)
        {
            return number(((Number)json).doubleValue());
        }
        if (json instanceof Map)
        {
            final Struct.Builder struct = Struct.newBuilder();
            for (final Map.Entry<?, ?> e : ((Map<?, ?>)json).entrySet())
            {
                struct.putFields((String)e.getKey(), value(e.getValue()));
            }
            return Value.newBuilder().setStructValue(struct).build();
        }
        if (json instanceof List)
        {
            final ListValue.Builder list = ListValue.newBuilder();
            for (final Object element : (List<?>)json)
            {
                list.addValues(value(element));
            }
            return Value.newBuilder().setListValue(list).build();
        }
        throw new IllegalArgumentException("not a JSON value: " + json.getClass().getName());
    }

    /**
     * @return the value as Java values: {@code LinkedHashMap}, {@code ArrayList}, {@code String},
     * {@code Boolean}, null, and numbers as {@code Long} when integral, else {@code Double}.
     */
    public static Object toJava(final Value value)
    {
        switch (value.getKindCase())
        {
            case BOOL_VALUE:
                return value.getBoolValue();
            case NUMBER_VALUE:
            {
                final double d = value.getNumberValue();
                return d == Math.rint(d) && Math.abs(d) < 0x1p63 ? (Object)(long)d : (Object)d;
            }
            case STRING_VALUE:
                return value.getStringValue();
            case STRUCT_VALUE:
            {
                final Map<String, Object> map = new LinkedHashMap<>();
                for (final Map.Entry<String, Value> e : value.getStructValue().getFieldsMap().entrySet())
                {
                    map.put(e.getKey(), toJava(e.getValue()));
                }
                return map;
            }
            case LIST_VALUE:
            {
                final List<Object> list = new ArrayList<>();
                for (final Value element : value.getListValue().getValuesList())
                {
                    list.add(toJava(element));
                }
                return list;
            }
            default:
                return null;
        }
    }

    /**
     * @return the value's digest (see {@link Digests}).
     */
    public static long digest(final Value value)
    {
        switch (value.getKindCase())
        {
            case BOOL_VALUE:
                return value.getBoolValue() ? Digests.TRUE : Digests.FALSE;
            case NUMBER_VALUE:
                return Digests.number(value.getNumberValue());
            case STRING_VALUE:
                return Digests.string(Digests.utf8Length(value.getStringValue()));
            case STRUCT_VALUE:
            {
                long digest = Digests.OBJECT;
                for (final Map.Entry<String, Value> e : value.getStructValue().getFieldsMap().entrySet())
                {
                    digest += Digests.member(Digests.utf8Length(e.getKey()), digest(e.getValue()));
                }
                return digest;
            }
            case LIST_VALUE:
            {
                long digest = Digests.ARRAY;
                final ListValue list = value.getListValue();
                for (int i = 0; i < list.getValuesCount(); i++)
                {
                    digest += digest(list.getValues(i));
                }
                return digest;
            }
            default:
                return 0;
        }
    }
}
