package io.rpcool.harness.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Estimates how much CPU processes other than the harness and its forks used during a window, from
 * {@code /proc/stat} (all busy time) minus {@code /proc/self/stat} (the harness plus its reaped
 * children). A busy neighbour distorts busy-spin and socket figures in opposite directions, so the
 * figure is recorded next to every measurement.
 */
public final class CpuAccounting
{
    private static final double TICKS_PER_S = 100.0; // USER_HZ on Linux

    private final long busyTicks;
    private final long selfTicks;
    private final long wallNs;

    private CpuAccounting(final long busyTicks, final long selfTicks, final long wallNs)
    {
        this.busyTicks = busyTicks;
        this.selfTicks = selfTicks;
        this.wallNs = wallNs;
    }

    /**
     * @return a snapshot, or {@code null} where /proc is not readable.
     */
    public static CpuAccounting snapshot()
    {
        try
        {
            return new CpuAccounting(systemBusyTicks(), selfTicks(), System.nanoTime());
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    /**
     * Must be taken after the forks of the window were reaped, so their time is in the harness's
     * children counters.
     *
     * @param start  snapshot at the start of the window.
     * @param end    snapshot at the end of the window.
     * @param cores  online CPUs.
     * @return percentage of the machine's total CPU capacity used by other processes, or NaN.
     */
    public static double foreignPercent(final CpuAccounting start, final CpuAccounting end, final int cores)
    {
        if (start == null || end == null)
        {
            return Double.NaN;
        }
        final double foreignS = Math.max(0, (end.busyTicks - start.busyTicks) - (end.selfTicks - start.selfTicks)) /
            TICKS_PER_S;
        final double capacityS = (end.wallNs - start.wallNs) / 1e9 * cores;
        return capacityS <= 0 ? Double.NaN : 100.0 * foreignS / capacityS;
    }

    private static long systemBusyTicks() throws IOException
    {
        final String cpuLine = Files.readAllLines(Path.of("/proc/stat")).get(0);
        final String[] f = cpuLine.trim().split("\\s+");
        // cpu user nice system idle iowait irq softirq steal ...
        return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6]) +
            Long.parseLong(f[7]);
    }

    private static long selfTicks() throws IOException
    {
        final String stat = Files.readString(Path.of("/proc/self/stat"));
        final String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields after "(comm)": state=0 ... utime=11 stime=12 cutime=13 cstime=14
        return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
}
