package io.rpcool.bench.alloc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code key=value} program arguments of the {@code alloc} suite's forked JVMs.
 */
final class KeyValueArgs
{
    private final Map<String, String> values = new LinkedHashMap<>();

    /**
     * @param args     the arguments.
     * @param allowed  the keys that may appear; every one is required.
     * @throws IllegalArgumentException on a malformed, unknown or missing key.
     */
    KeyValueArgs(final String[] args, final List<String> allowed)
    {
        for (final String arg : args)
        {
            final int eq = arg.indexOf('=');
            if (eq < 1)
            {
                throw new IllegalArgumentException("expected key=value: " + arg);
            }
            final String key = arg.substring(0, eq);
            if (!allowed.contains(key))
            {
                throw new IllegalArgumentException("unknown option " + key + "; expected " + allowed);
            }
            values.put(key, arg.substring(eq + 1));
        }
        for (final String key : allowed)
        {
            if (!values.containsKey(key))
            {
                throw new IllegalArgumentException("missing option " + key);
            }
        }
    }

    String string(final String key)
    {
        return values.get(key);
    }

    long number(final String key)
    {
        return Long.parseLong(values.get(key));
    }
}
