package io.rpcool.stat;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Exposes a {@link CountersFile} through JMX as a {@link CountersMXBean}.
 */
public final class CountersBean implements CountersMXBean, AutoCloseable
{
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final System.Logger LOGGER = System.getLogger(CountersBean.class.getName());

    private final CountersFile file;
    private final ObjectName name;

    private CountersBean(final CountersFile file, final ObjectName name)
    {
        this.file = file;
        this.name = name;
    }

    /**
     * Register {@code file} as {@code io.rpcool:type=<type>,name=<name>-<pid>-<n>}; a failure to
     * register is logged, never thrown.
     */
    public static CountersBean register(final CountersFile file, final String type, final String processName)
    {
        ObjectName name = null;
        try
        {
            name = new ObjectName("io.rpcool", new java.util.Hashtable<>(Map.of("type", type, "name",
                ObjectName.quote(processName + "-" + file.pid() + "-" + INSTANCES.incrementAndGet()))));
            final CountersBean bean = new CountersBean(file, name);
            ManagementFactory.getPlatformMBeanServer().registerMBean(bean, name);
            return bean;
        }
        catch (final JMException | RuntimeException e)
        {
            LOGGER.log(System.Logger.Level.DEBUG, "cannot register counters with JMX: " + e);
            return new CountersBean(file, null);
        }
    }

    /** The name the bean is registered under, or null if it is not. */
    public ObjectName objectName()
    {
        return name;
    }

    @Override
    public int getPid()
    {
        return file.pid();
    }

    @Override
    public Map<String, Long> getCounters()
    {
        final Map<String, Long> map = new LinkedHashMap<>();
        for (final CountersFile.Counter c : file.counters())
        {
            map.put(c.label(), c.value());
        }
        return map;
    }

    @Override
    public List<String> getErrors()
    {
        return file.errors();
    }

    @Override
    public void close()
    {
        if (name != null)
        {
            try
            {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            }
            catch (final JMException e)
            {
                // Already gone.
            }
        }
    }
}
