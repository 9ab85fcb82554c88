package io.rpcool.harness.jvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real child JVMs running {@link ScriptedChildMain}.
 */
class ChildJvmTest
{
    private static final long START_MS = 60_000;

    private static ChildJvm.Builder child()
    {
        return ChildJvm.builder(ScriptedChildMain.class).jvmFlags("-Xmx32m", "-XX:TieredStopAtLevel=1", "-Xshare:auto");
    }

    @Test
    void shouldBuildTheCommandLineWithNamespaceRequiredFlagsPropertiesClassPathMainAndArguments()
    {
        final List<String> command = ChildJvm.builder("a.b.Main").netns("ns1").classPath("cp").jvmFlags("-Xmx64m")
            .property("k", "v").args("x", "y").command();

        final List<String> required = JvmFlags.required();
        assertEquals(List.of("ip", "netns", "exec", "ns1"), command.subList(0, 4));
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java").toString(), command.get(4));
        assertEquals(required, command.subList(5, 5 + required.size()));
        assertEquals(List.of("-Xmx64m", "-Dk=v", "-cp", "cp", "a.b.Main", "x", "y"), command.subList(5 + required.size(), command.size()));
    }

    @Test
    void shouldAllowUnsafeMemoryAccessOnlyFromJdk24()
    {
        assertEquals(List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"),
            JvmFlags.required(17));
        assertEquals(List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow"), JvmFlags.required(24));
        assertEquals(JvmFlags.required(Runtime.version().feature()), JvmFlags.required());
    }

    @Test
    void shouldPassArgumentsPropertiesAndEnvironmentAndReportThePid()
    {
        try (ChildJvm jvm = child().property("harness.test.property", "p1").env("HARNESS_TEST_ENV", "e1").args("a", "b").start())
        {
            assertEquals("READY " + jvm.pid(), jvm.awaitLine("READY", START_MS));
            assertEquals("ARGS a b", jvm.awaitLine("ARGS", 10_000));
            assertEquals("PROP p1", jvm.awaitLine("PROP", 10_000));
            assertEquals("ENV e1", jvm.awaitLine("ENV", 10_000));
        }
    }

    @Test
    void shouldPassOverLinesThatDoNotMatchAndReturnThemOnlyToAnUnclaimedAwait()
    {
        try (ChildJvm jvm = child().start())
        {
            jvm.awaitLine("READY", START_MS);
            jvm.send("say one");
            jvm.send("say two");

            assertEquals("two", jvm.awaitLine(line -> line.equals("two"), 10_000));
            assertThrows(ChildJvmException.class, () -> jvm.awaitLine("one", 200));
            assertEquals("one", jvm.awaitUnclaimedLine(line -> line.equals("one"), 10_000));
            assertThrows(ChildJvmException.class, () -> jvm.awaitUnclaimedLine(line -> line.equals("one"), 200));
        }
    }

    @Test
    void shouldFailAtOnceWhenTheChildEndsWithoutTheLineAndSayHowItEnded()
    {
        try (ChildJvm jvm = child().start())
        {
            jvm.awaitLine("READY", START_MS);
            jvm.send("exit 3");

            final ChildJvmException ex = assertThrows(ChildJvmException.class, () -> jvm.awaitLine("NEVER", 600_000));

            assertTrue(ex.getMessage().contains("closed its stdout without a line starting with 'NEVER'"), ex.getMessage());
            assertTrue(ex.getMessage().contains("(exited with 3)"), ex.getMessage());
            assertTrue(ex.getMessage().contains("ARGS"), ex.getMessage());
            assertEquals(3, jvm.awaitExit(10_000));
        }
    }

    @Test
    void shouldFailWhenNoLineComesWithinTheTimeout()
    {
        try (ChildJvm jvm = child().start())
        {
            jvm.awaitLine("READY", START_MS);

            final ChildJvmException ex = assertThrows(ChildJvmException.class, () -> jvm.awaitLine("NEVER", 100));

            assertTrue(ex.getMessage().contains("printed no line starting with 'NEVER' within 100 ms (still running)"), ex.getMessage());
            assertTrue(jvm.isAlive());
        }
    }

    @Test
    void shouldKillWithSigkillAndTerminateWithSigterm()
    {
        try (ChildJvm killed = child().start(); ChildJvm terminated = child().start())
        {
            killed.awaitLine("READY", START_MS);
            terminated.awaitLine("READY", START_MS);

            assertEquals(128 + 9, killed.kill9());
            terminated.signal("TERM");

            assertFalse(killed.isAlive());
            assertEquals(128 + 15, terminated.awaitExit(10_000));
        }
    }

    @Test
    void shouldStopThroughStdinBeforeAnySignal()
    {
        try (ChildJvm jvm = child().start())
        {
            jvm.awaitLine("READY", START_MS);

            assertEquals(0, jvm.stop(30_000, 1000));
            assertTrue(jvm.lines().contains("BYE"), jvm.lines().toString());
        }
    }

    @Test
    void shouldCopyStdoutToAFileTellTheListenerAndQuoteStderrInErrors(@TempDir final Path dir) throws Exception
    {
        final List<String> heard = new CopyOnWriteArrayList<>();
        final Path out = dir.resolve("logs/child.out.log");
        final Path err = dir.resolve("logs/child.err.log");
        try (ChildJvm jvm = child().name("scripted").stdoutCopy(out).stderrTo(err).onLine(heard::add).start())
        {
            jvm.awaitLine("READY", START_MS);
            jvm.send("err boom");
            jvm.send("say last");
            jvm.awaitLine("last", 10_000);
            jvm.send("exit 4");

            final ChildJvmException ex = assertThrows(ChildJvmException.class, () -> jvm.awaitLine("NEVER", 600_000));

            assertTrue(ex.getMessage().startsWith("scripted closed its stdout"), ex.getMessage());
            assertTrue(ex.getMessage().contains("boom"), ex.getMessage());
            assertEquals(4, jvm.awaitExit(10_000));
        }
        assertEquals(List.of("READY", "ARGS", "PROP", "ENV", "last"), heard.stream().map(l -> l.split(" ")[0]).toList());
        assertEquals(heard, Files.readAllLines(out));
    }
}
