package io.rpcool.bench.harness;

import io.rpcool.bench.BenchSystem;
import io.rpcool.bench.report.SystemRun;
import io.rpcool.bench.suite.NoopSuite;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("slow")
class HarnessFailureTest
{
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRecordAServerThatExitsWithoutReadyAsAFailedRun(@TempDir final Path dir) throws Exception
    {
        final BenchSystem broken = new BenchSystem()
        {
            @Override
            public String name()
            {
                return "broken";
            }

            @Override
            public Class<?> serverMain()
            {
                return Object.class; // no main method: the JVM exits at once
            }

            @Override
            public Class<?> clientMain()
            {
                return Object.class;
            }
        };
        final Path scratch = Files.createDirectories(dir.resolve("scratch"));
        final Harness harness = new Harness(Harness.forkClassPath(), dir.resolve("logs"), scratch, 50,
            new PrintStream(OutputStream.nullOutputStream()));

        final SystemRun run = harness.runOnce(broken, new NoopSuite().clientOptions(true), 1);

        assertNull(run.result());
        assertFalse(run.probe().ok());
        assertTrue(run.probe().status().contains("closed its stdout without a line starting with 'READY '"), run.probe().status());
        assertTrue(run.probe().status().contains("Main method not found"), run.probe().status());
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count());
    }
}
