package io.rpcool.daemon;

import java.io.FileInputStream;
import java.io.IOException;

import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.Agent;

import io.rpcool.idle.IdleLevels;

/**
 * Measures the host's CPU load that does not come from RPCool processes: busy time from
 * {@code /proc/stat} minus the CPU time of every process registered with the daemon (read from
 * {@code /proc/<pid>/stat}). RPCool's own pollers spin on purpose; counting them as load would
 * make every busy-polling pair look overloaded and stop spinning. An agent of its own (reading
 * {@code /proc} takes a while): it samples once per duty cycle, its idle strategy sleeps the sample
 * period, and it hands each sample to the conductor, which decides the idle level.
 *
 * <p>It reads only the start of each file into one reused buffer and parses the numbers in place:
 * {@code /proc/stat} runs to tens of kilobytes on a busy host (the interrupt counters), and a
 * sampler that read it whole made garbage at hundreds of kilobytes a second.
 */
final class LoadSampler implements Agent
{
    private static final long MISSING = -1;

    private final DaemonConductor conductor;
    private final byte[] buffer = new byte[1024];
    private long lastTotal = -1;
    private long lastBusy;
    private long cpuTotal;
    private long cpuBusy;
    private Long2LongHashMap lastProcessTicks = new Long2LongHashMap(MISSING);
    private Long2LongHashMap processTicks = new Long2LongHashMap(MISSING);

    LoadSampler(final DaemonConductor conductor)
    {
        this.conductor = conductor;
    }

    @Override
    public int doWork()
    {
        final double load = sample(conductor.pids());
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
    double sample(final int[] rpcoolPids)
    {
        if (!readCpuLine())
        {
            return -1;
        }
        long ownDelta = 0;
        processTicks.clear();
        for (final int pid : rpcoolPids)
        {
            final long ticks = processTicks(pid);
            if (ticks >= 0)
            {
                processTicks.put(pid, ticks);
                final long before = lastProcessTicks.get(pid);
                if (before != MISSING)
                {
                    ownDelta += ticks - before;
                }
            }
        }
        final Long2LongHashMap swap = lastProcessTicks;
        lastProcessTicks = processTicks;
        processTicks = swap;
        final boolean first = lastTotal < 0;
        final long totalDelta = cpuTotal - lastTotal;
        final long busyDelta = cpuBusy - lastBusy;
        lastTotal = cpuTotal;
        lastBusy = cpuBusy;
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

    /** The first line of /proc/stat, "cpu user nice system idle iowait irq softirq steal ...". */
    private boolean readCpuLine()
    {
        final int length = readStart("/proc/stat");
        if (length < 4 || buffer[0] != 'c' || buffer[1] != 'p' || buffer[2] != 'u' || buffer[3] != ' ')
        {
            return false;
        }
        long total = 0;
        long idle = 0;
        int at = 4;
        for (int field = 1; field <= 8; field++)
        {
            at = skipSpaces(at, length);
            final long value = parseLong(at, length);
            if (value < 0)
            {
                return false;
            }
            total += value;
            if (field == 4 || field == 5)
            {
                idle += value;
            }
            at = skipDigits(at, length);
        }
        cpuTotal = total;
        cpuBusy = total - idle;
        return true;
    }

    /** utime + stime of {@code pid}: fields 14 and 15 of /proc/pid/stat, counted after the ")" of the name. */
    long processTicks(final int pid)
    {
        final int length = readStart("/proc/" + pid + "/stat");
        int at = length - 1;
        while (at >= 0 && buffer[at] != ')')
        {
            at--;
        }
        if (at < 0)
        {
            return -1;
        }
        at += 2;
        // After ") ": state is field 3; utime is field 14, eleven fields further.
        for (int field = 3; field < 14 && at < length; field++)
        {
            while (at < length && buffer[at] != ' ')
            {
                at++;
            }
            at++;
        }
        final long utime = parseLong(at, length);
        final long stime = parseLong(skipSpaces(skipDigits(at, length), length), length);
        return utime < 0 || stime < 0 ? -1 : utime + stime;
    }

    private int readStart(final String path)
    {
        try (FileInputStream in = new FileInputStream(path))
        {
            int length = 0;
            int n;
            while (length < buffer.length && (n = in.read(buffer, length, buffer.length - length)) > 0)
            {
                length += n;
            }
            return length;
        }
        catch (final IOException e)
        {
            return 0;
        }
    }

    private int skipSpaces(final int from, final int length)
    {
        int at = from;
        while (at < length && buffer[at] == ' ')
        {
            at++;
        }
        return at;
    }

    private int skipDigits(final int from, final int length)
    {
        int at = from;
        while (at < length && buffer[at] >= '0' && buffer[at] <= '9')
        {
            at++;
        }
        return at;
    }

    /** The decimal number at {@code at}, or -1 if none starts there. */
    private long parseLong(final int at, final int length)
    {
        if (at >= length || buffer[at] < '0' || buffer[at] > '9')
        {
            return -1;
        }
        long value = 0;
        for (int i = at; i < length && buffer[i] >= '0' && buffer[i] <= '9'; i++)
        {
            value = value * 10 + (buffer[i] - '0');
        }
        return value;
    }
}
