package io.rpcool;

import java.util.List;

import io.rpcool.harness.jvm.ChildJvm;

/**
 * The former test launcher's signature, over {@link ChildJvm}: a JVM of the test class path with
 * {@code -Xmx256m} and the given flags.
 *
 * @deprecated start child JVMs with {@link ChildJvm#builder(Class)}; this adapter remains only for
 * callers not yet ported.
 */
@Deprecated
public final class JvmProcess implements AutoCloseable
{
    private final ChildJvm jvm;

    private JvmProcess(final ChildJvm jvm)
    {
        this.jvm = jvm;
    }

    public static JvmProcess start(final Class<?> main, final List<String> properties, final String... args)
    {
        return new JvmProcess(ChildJvm.builder(main).jvmFlags("-Xmx256m").jvmFlags(properties).args(args).start());
    }

    public String awaitLine(final String prefix, final long timeoutMs)
    {
        return jvm.awaitLine(prefix, timeoutMs);
    }

    public long pid()
    {
        return jvm.pid();
    }

    public void kill9()
    {
        jvm.kill9();
    }

    public int waitFor(final long timeoutMs)
    {
        return jvm.awaitExit(timeoutMs);
    }

    @Override
    public void close()
    {
        jvm.close();
    }
}
