package io.rpcool.bench.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Builds command lines for forked JVMs: the {@code java} of the running JDK, the common benchmark
 * flags, the flags the build requires (Agrona's exports), a system's own flags and the bench module's
 * runtime classpath.
 * <p>
 * The classpath is, in order of preference: the {@code rpcool.bench.classpath} system property; this
 * module's classes plus the dependency list the build writes to {@code target/bench-classpath.txt};
 * the harness's own {@code java.class.path}.
 */
public final class JvmLauncher
{
    public static final String CLASSPATH_PROPERTY = "rpcool.bench.classpath";
    public static final List<String> COMMON_FLAGS = List.of(
        "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "-XX:+UseG1GC");

    private final Path javaExecutable;
    private final List<String> buildFlags;
    private final String classpath;

    public JvmLauncher(final Path javaExecutable, final List<String> buildFlags, final String classpath)
    {
        this.javaExecutable = javaExecutable;
        this.buildFlags = List.copyOf(buildFlags);
        this.classpath = classpath;
    }

    /**
     * @return a launcher for the running JDK and the bench module's classpath.
     */
    public static JvmLauncher forCurrentJdk()
    {
        return new JvmLauncher(
            Path.of(System.getProperty("java.home"), "bin", "java"), readBuildFlags(), resolveClasspath());
    }

    public String classpath()
    {
        return classpath;
    }

    public List<String> buildFlags()
    {
        return buildFlags;
    }

    /**
     * @param mainClass  class to run.
     * @param jvmArgs    extra JVM arguments.
     * @param args       program arguments.
     * @return the full command line.
     */
    public List<String> command(final Class<?> mainClass, final List<String> jvmArgs, final List<String> args)
    {
        final List<String> command = new ArrayList<>();
        command.add(javaExecutable.toString());
        command.addAll(COMMON_FLAGS);
        command.addAll(buildFlags);
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass.getName());
        command.addAll(args);
        return command;
    }

    /**
     * @return the flags every forked JVM needs, as the build wrote them into {@code build.properties}.
     */
    public static List<String> readBuildFlags()
    {
        final Properties properties = new Properties();
        try (InputStream in = JvmLauncher.class.getResourceAsStream("/io/rpcool/bench/build.properties"))
        {
            if (in == null)
            {
                throw new IllegalStateException("build.properties missing from the classpath");
            }
            properties.load(in);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final String flags = properties.getProperty("jvm.flags", "").trim();
        if (flags.contains("${"))
        {
            throw new IllegalStateException("build.properties was not filtered by the build: " + flags);
        }
        return flags.isEmpty() ? List.of() : Arrays.asList(flags.split("\\s+"));
    }

    static String resolveClasspath()
    {
        final String explicit = System.getProperty(CLASSPATH_PROPERTY);
        if (explicit != null && !explicit.isBlank())
        {
            return explicit;
        }
        try
        {
            final Path codeLocation = Path.of(
                JvmLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            final Path listFile = codeLocation.getParent().resolve("bench-classpath.txt");
            if (Files.isRegularFile(listFile))
            {
                final String dependencies = Files.readString(listFile).trim();
                return dependencies.isEmpty() ? codeLocation.toString() :
                    codeLocation + java.io.File.pathSeparator + dependencies;
            }
        }
        catch (final URISyntaxException | IOException | RuntimeException ignore)
        {
            // fall back to the harness's own classpath
        }
        return System.getProperty("java.class.path");
    }
}
