package io.rpcool.orchestrator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM that runs a main class of this JVM's class path with this JDK:
 * the flags rpc-core needs (Agrona's access to {@code jdk.internal.misc}; Unsafe memory access on
 * JDK 24 and later), then the caller's JVM flags and system properties, the main class and its
 * arguments. Used by the chaos run, the lease benchmark and the cluster tests.
 */
public final class JavaCommand
{
    private JavaCommand()
    {
    }

    public static List<String> of(final List<String> jvmFlags, final List<String> properties, final Class<?> main,
        final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 24)
        {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(jvmFlags);
        command.addAll(properties);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
