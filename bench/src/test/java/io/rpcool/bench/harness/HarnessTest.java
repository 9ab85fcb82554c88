package io.rpcool.bench.harness;

import io.rpcool.bench.BenchSystem;
import io.rpcool.harness.jvm.JvmFlags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HarnessTest
{
    private static BenchSystem system(final String name)
    {
        return new BenchSystem()
        {
            @Override
            public String name()
            {
                return name;
            }

            @Override
            public Class<?> serverMain()
            {
                return Object.class;
            }

            @Override
            public Class<?> clientMain()
            {
                return Object.class;
            }
        };
    }

    @Test
    void shouldRotateTheOrderOfSystemsFromRunToRun()
    {
        final List<BenchSystem> systems = List.of(system("a"), system("b"), system("c"));

        assertEquals(List.of("a", "b", "c"), Harness.rotate(systems, 0).stream().map(BenchSystem::name).toList());
        assertEquals(List.of("b", "c", "a"), Harness.rotate(systems, 1).stream().map(BenchSystem::name).toList());
        assertEquals(List.of("c", "a", "b"), Harness.rotate(systems, 2).stream().map(BenchSystem::name).toList());
        assertEquals(List.of("a", "b", "c"), Harness.rotate(systems, 3).stream().map(BenchSystem::name).toList());
    }

    @Test
    void shouldBuildForkCommandsWithRequiredCommonAndSystemFlagsAndTheForkClassPath(@TempDir final Path dir)
    {
        final Harness harness = new Harness("fork-cp", dir, dir, 0, System.out);

        final List<String> command = harness.fork("x-server", HarnessTest.class, List.of("-Dx=1"), List.of("arg"), dir).command();

        final List<String> required = JvmFlags.required();
        assertEquals(required, command.subList(1, 1 + required.size()));
        assertEquals(Harness.COMMON_FLAGS, command.subList(1 + required.size(), 1 + required.size() + Harness.COMMON_FLAGS.size()));
        assertEquals(List.of("-Dx=1", "-cp", "fork-cp", HarnessTest.class.getName(), "arg"),
            command.subList(command.size() - 5, command.size()));
    }
}
