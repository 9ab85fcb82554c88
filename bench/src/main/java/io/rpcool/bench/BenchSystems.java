package io.rpcool.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The systems on the classpath, found through {@link ServiceLoader} in the order of their service files.
 */
public final class BenchSystems
{
    private BenchSystems()
    {
    }

    /**
     * @return every registered system.
     */
    public static List<BenchSystem> all()
    {
        final List<BenchSystem> systems = new ArrayList<>();
        for (final BenchSystem system : ServiceLoader.load(BenchSystem.class))
        {
            for (final BenchSystem existing : systems)
            {
                if (existing.name().equals(system.name()))
                {
                    throw new IllegalStateException("two systems named " + system.name());
                }
            }
            systems.add(system);
        }
        return systems;
    }

    /**
     * @param suite  suite name.
     * @return registered systems that implement the suite.
     */
    public static List<BenchSystem> forSuite(final String suite)
    {
        return all().stream().filter(s -> s.suites().contains(suite)).toList();
    }
}
