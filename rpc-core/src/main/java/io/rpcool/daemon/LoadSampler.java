package io.rpcool.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.agrona.concurrent.Agent;

import io.rpcool.idle.IdleLevels;

/**
 * Measures the host's CPU load that does not come from RPCool processes: busy time from
 * {@code /proc/stat} minus the CPU time of every process registered with the daemon (read from
 * {@code /proc/<pid>/stat}). RPCool's own pollers spin on purpose; counting them as load would
 * make every busy-polling pair look overloaded and stop spinning. An agent of its own (reading
 * {@code /proc} takes a while): it samples once per duty cycle, its idle strategy sleeps the sample
 * period, and it hands each sample to the conductor, which decides the idle level.
 */
final class LoadSampler implements Agent
{
    private final DaemonConductor conductor;
    private long lastTotal = -1;
    private long lastBusy;
    private final Map<Integer, Long> lastProcessTicks = new HashMap<>();

    LoadSampler(final DaemonConductor conductor)
    {
        this.conductor = conductor;
    }

    @Override
    public int doWork()
    {
        final int[] pids = conductor.pids();
        final List<Integer> list = new java.util.ArrayList<>(pids.length);
        for (final int pid : pids)
        {
            list.add(pid);
        }
        final double load = sample(list);
        if (load >= 0)
        {
            conductor.submit(() -> conductor.onLoad(load));
        }
        return 0;
    }

    @Override
    public String roleName()
    {
        return "rpcool-daemon-load";
    }

    /**
     * @return the fraction of CPU time in the last window used by other work, in [0, 1], or -1 on
     * the first call (no window yet) or when {@code /proc} cannot be read.
     */
    double sample(final Collection<Integer> rpcoolPids)
    {
        final long[] cpu = readCpuLine();
        if (cpu == null)
        {
            return -1;
        }
        final long total = cpu[0];
        final long busy = cpu[1];
        long ownDelta = 0;
        final Map<Integer, Long> now = new HashMap<>();
        for (final int pid : rpcoolPids)
        {
            final long ticks = processTicks(pid);
            if (ticks >= 0)
            {
                now.put(pid, ticks);
                final Long before = lastProcessTicks.get(pid);
                if (before != null)
                {
                    ownDelta += ticks - before;
                }
            }
        }
        lastProcessTicks.clear();
        lastProcessTicks.putAll(now);
        final boolean first = lastTotal < 0;
        final long totalDelta = total - lastTotal;
        final long busyDelta = busy - lastBusy;
        lastTotal = total;
        lastBusy = busy;
        if (first || totalDelta <= 0)
        {
            return -1;
        }
        return Math.max(0.0, Math.min(1.0, (double)(busyDelta - ownDelta) / totalDelta));
    }

    static int level(final double load, final double spinBelow, final double sleepBelow)
    {
        if (load < spinBelow)
        {
            return IdleLevels.SPIN;
        }
        return load < sleepBelow ? IdleLevels.SLEEP : IdleLevels.HAND_OFF;
    }

    private static long[] readCpuLine()
    {
        try
        {
            final List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            final String[] f = lines.get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++)
            {
                total += Long.parseLong(f[i]);
            }
            final long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total, total - idle};
        }
        catch (final IOException | RuntimeException e)
        {
            return null;
        }
    }

    private static long processTicks(final int pid)
    {
        try
        {
            final String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            final String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
        catch (final IOException | RuntimeException e)
        {
            return -1;
        }
    }
}
