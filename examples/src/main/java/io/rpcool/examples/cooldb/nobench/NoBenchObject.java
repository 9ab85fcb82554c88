package io.rpcool.examples.cooldb.nobench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One NoBench object, as the application holds it before storing it. {@link #toJava()} gives the
 * JSON document with its keys in NoBench's order.
 *
 * @param s           the object's number.
 * @param str1        {@code enc(s)}.
 * @param str2        {@code enc((s + N/2) % N)}.
 * @param num         {@code s}.
 * @param bool        {@code s % 2 == 1}.
 * @param dyn1        {@code s}, or {@code enc(s)} when {@code s % 20 == 0}: a {@code Long} or a {@code String}.
 * @param dyn2        {@code s} if {@code s % 3 == 2}, {@code enc(s)} if {@code s % 3 == 1}, else the boolean
 *                    {@code s % 2 == 1}: a {@code Long}, {@code String} or {@code Boolean}.
 * @param nestedStr   {@code nested_obj.str}, {@code enc((s + N/2) % N)}.
 * @param nestedNum   {@code nested_obj.num}, {@code (s + N/2) % N}.
 * @param nestedArr   {@code s % 8} words, Zipf-sampled.
 * @param sparseFirst the first of the ten sparse keys, {@code (s % 100) * 10}.
 * @param sparseValue the value of every sparse key, {@code enc(s % 11)}.
 * @param thousandth  {@code s % 1000}.
 */
public record NoBenchObject(
    long s,
    String str1,
    String str2,
    long num,
    boolean bool,
    Object dyn1,
    Object dyn2,
    String nestedStr,
    long nestedNum,
    List<String> nestedArr,
    int sparseFirst,
    String sparseValue,
    long thousandth)
{
    /**
     * @return the document: keys str1, str2, num, bool, dyn1, dyn2, nested_obj, nested_arr, the ten
     * sparse keys, thousandth.
     */
    public Map<String, Object> toJava()
    {
        final Map<String, Object> doc = new LinkedHashMap<>();
        doc.put(NoBench.STR1, str1);
        doc.put(NoBench.STR2, str2);
        doc.put(NoBench.NUM, num);
        doc.put(NoBench.BOOL, bool);
        doc.put(NoBench.DYN1, dyn1);
        doc.put(NoBench.DYN2, dyn2);
        final Map<String, Object> nested = new LinkedHashMap<>();
        nested.put(NoBench.NESTED_STR, nestedStr);
        nested.put(NoBench.NESTED_NUM, nestedNum);
        doc.put(NoBench.NESTED_OBJ, nested);
        doc.put(NoBench.NESTED_ARR, nestedArr);
        for (int k = sparseFirst; k < sparseFirst + NoBench.SPARSE_PER_OBJECT; k++)
        {
            doc.put(NoBench.sparseKey(k), sparseValue);
        }
        doc.put(NoBench.THOUSANDTH, thousandth);
        return doc;
    }
}
