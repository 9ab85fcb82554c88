package io.rpcool.harness.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Facts about the machine for the result header.
 */
public final class MachineInfo
{
    private MachineInfo()
    {
    }

    public static String cpuModel()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
            {
                if (line.startsWith("model name"))
                {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // not Linux, or not readable
        }
        return System.getProperty("os.arch");
    }

    public static String vm()
    {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version");
    }
}
