package io.rpcool.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.rpcool.TestDirs;
import io.rpcool.harness.jvm.ChildJvm;

class DaemonMainTest
{
    @Test
    void shouldSetEveryOptionInBothSpellings()
    {
        final DaemonConfig config = DaemonMain.parse("--dir", "/tmp/d", "--quota=4096", "--spin-below", "0.1", "--sleep-below=0.4",
            "--seal-backend", "mprotect", "--orchestrator=zk:h:2181", "--host", "hostA", "--pool", "/tmp/pool", "--lease-timeout-ms=0");

        assertEquals(Path.of("/tmp/d"), config.directory());
        assertEquals(4096, config.quotaBytes());
        assertEquals(0.1, config.spinBelow());
        assertEquals(0.4, config.sleepBelow());
        assertEquals("mprotect", config.sealBackend());
        assertEquals("zk:h:2181", config.orchestrator());
        assertEquals("hostA", config.hostId());
        assertEquals(Path.of("/tmp/pool"), config.poolDirectory());
        assertEquals(0, config.leaseTimeoutMs());
    }

    @Test
    void shouldKeepDaemonConfigDefaultsForOptionsNotGiven()
    {
        final DaemonConfig defaults = new DaemonConfig();
        final DaemonConfig config = DaemonMain.parse();

        assertEquals(defaults.directory(), config.directory());
        assertEquals(defaults.quotaBytes(), config.quotaBytes());
        assertEquals(defaults.spinBelow(), config.spinBelow());
        assertEquals(defaults.sleepBelow(), config.sleepBelow());
        assertEquals(defaults.sealBackend(), config.sealBackend());
        assertEquals(defaults.orchestrator(), config.orchestrator());
        assertEquals(defaults.leaseTimeoutMs(), config.leaseTimeoutMs());
    }

    @Test
    void shouldAnswerHelpWithNoConfigurationAndDescribeEveryOption()
    {
        assertNull(DaemonMain.parse("--help"));
        assertNull(DaemonMain.parse("--dir", "/tmp/d", "-h"));
        final String usage = DaemonMain.usage(new DaemonConfig());
        for (final String option : new String[] {"--dir", "--quota", "--spin-below", "--sleep-below", "--seal-backend",
            "--orchestrator", "--host", "--pool", "--lease-timeout-ms", "--help"})
        {
            assertTrue(usage.contains("  " + option) || usage.contains(", " + option), option + " in\n" + usage);
        }
    }

    @Test
    void shouldRejectCommandLinesItCannotUseAndSayWhy()
    {
        assertEquals("unknown option '--quorum'", problem("--quorum", "1"));
        assertEquals("option '--dir' needs a value", problem("--dir"));
        assertEquals("unexpected argument 'extra'", problem("extra"));
        assertEquals("--quota takes a whole number, not '1G'", problem("--quota", "1G"));
        assertEquals("--quota must be above 0", problem("--quota", "0"));
        assertEquals("--lease-timeout-ms must not be negative: -1", problem("--lease-timeout-ms", "-1"));
        assertEquals("--spin-below takes a fraction between 0 and 1, not 2", problem("--spin-below", "2"));
        assertEquals("--spin-below (0.5) must not be above --sleep-below (0.4)", problem("--spin-below", "0.5", "--sleep-below", "0.4"));
    }

    private static String problem(final String... args)
    {
        return assertThrows(DaemonMain.UsageException.class, () -> DaemonMain.parse(args)).getMessage();
    }

    @Test
    @Tag("slow")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldListenInItsOwnJvmAndRefuseASecondDaemonOnTheSameDirectory(@TempDir final Path logs) throws Exception
    {
        final Path dir = TestDirs.fresh("daemon-main");
        try (ChildJvm daemon = ChildJvm.builder(DaemonMain.class).jvmFlags("-Xmx128m")
            .args("--dir", dir.toString(), "--seal-backend", "mprotect", "--quota", "65536").start())
        {
            final String line = daemon.awaitLine(DaemonMain.LISTENING, 60_000);
            assertEquals(DaemonMain.LISTENING + dir.resolve("daemon.sock") + " (quota 65536 bytes per process, seal backend mprotect)",
                line);

            final Path err = logs.resolve("second.err");
            try (ChildJvm second = ChildJvm.builder(DaemonMain.class).name("second").jvmFlags("-Xmx128m").stderrTo(err)
                .args("--dir", dir.toString(), "--seal-backend", "mprotect").start())
            {
                assertEquals(DaemonMain.EXIT_START_FAILED, second.awaitExit(60_000));
            }
            // Other lines may come first (JDK 22 and later warn on stderr when jnr-ffi loads its native part).
            assertTrue(Files.readAllLines(err).stream().anyMatch(l -> l.startsWith("rpcool daemon: cannot start in " + dir)),
                Files.readString(err));
            assertTrue(daemon.isAlive());
        }
        finally
        {
            try (Stream<Path> files = Files.walk(dir))
            {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    @Tag("slow")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldExitWithUsageErrorsOnStderrAndHelpOnStdout(@TempDir final Path logs) throws Exception
    {
        final Path err = logs.resolve("bad.err");
        try (ChildJvm bad = ChildJvm.builder(DaemonMain.class).jvmFlags("-Xmx64m").stderrTo(err).args("--quota", "lots").start();
            ChildJvm help = ChildJvm.builder(DaemonMain.class).jvmFlags("-Xmx64m").args("--help").start())
        {
            assertEquals(DaemonMain.EXIT_USAGE, bad.awaitExit(60_000));
            assertEquals(0, help.awaitExit(60_000));
            final List<String> errLines = Files.readAllLines(err);
            final int problem = errLines.indexOf("rpcool daemon: --quota takes a whole number, not 'lots'");
            assertTrue(problem >= 0 && errLines.get(problem + 1).startsWith("Usage: rpcool daemon"), String.join("\n", errLines));
            help.awaitLine("Usage: rpcool daemon", 10_000);
            help.awaitLine("  --lease-timeout-ms", 10_000);
        }
    }
}
