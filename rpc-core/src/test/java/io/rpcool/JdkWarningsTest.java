package io.rpcool;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.rpcool.harness.jvm.ChildJvm;

/**
 * A JVM started with the project's flags (the launcher's and the harness's) runs the library
 * without the JDK warning on stderr: no restricted-method warning for jnr-ffi's native stub, no
 * {@code sun.misc.Unsafe} warning for Agrona and Netty. On JDK 17 this passes trivially; on JDK 24
 * and later it fails when a flag is missing.
 */
@Tag("multi-process")
class JdkWarningsTest
{
    @Test
    void shouldRunTheLibraryWithoutJdkWarnings() throws Exception
    {
        final Path dir = TestDirs.fresh("jdk-warnings");
        final Path stderr = dir.resolve("stderr.txt");
        try (ChildJvm child = ChildJvm.builder(JdkWarningsMain.class).jvmFlags("-Xmx128m").stderrTo(stderr)
            .args(dir.resolve("daemon").toString()).start())
        {
            child.awaitLine("OK", 60_000);
            assertEquals(0, child.awaitExit(30_000));
        }
        final List<String> warnings = Files.readAllLines(stderr).stream()
            .filter(l -> l.contains("restricted method") || l.contains("sun.misc.Unsafe") || l.contains("--enable-native-access") ||
                l.contains("terminally deprecated"))
            .collect(Collectors.toList());
        assertTrue(warnings.isEmpty(), "JDK " + Runtime.version().feature() + " warned: " + warnings);
    }
}
