package io.rpcool.bench.harness;

import io.rpcool.bench.BenchSystem;
import org.junit.jupiter.api.Test;

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
    void shouldBuildForkCommandsWithCommonBuildAndSystemFlags()
    {
        final JvmLauncher launcher = JvmLauncher.forCurrentJdk();

        final List<String> command = launcher.command(HarnessTest.class, List.of("-Dx=1"), List.of("arg"));

        assertEquals(List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "-XX:+UseG1GC"), command.subList(1, 5));
        final int exports = command.indexOf("--add-exports");
        assertEquals("java.base/jdk.internal.misc=ALL-UNNAMED", command.get(exports + 1));
        assertEquals(List.of("-Dx=1", "-cp", launcher.classpath(), HarnessTest.class.getName(), "arg"),
            command.subList(command.size() - 5, command.size()));
    }

    @Test
    void shouldClassifyProbeFiguresIntoNearAndFar()
    {
        assertEquals("near", PlacementProbe.mode(140.0));
        assertEquals("far", PlacementProbe.mode(480.0));
    }
}
