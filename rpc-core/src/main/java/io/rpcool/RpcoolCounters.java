package io.rpcool;

import java.nio.file.Path;

import org.agrona.concurrent.status.AtomicCounter;

import io.rpcool.stat.CountersBean;
import io.rpcool.stat.CountersFile;
import io.rpcool.stat.CountersFileDescriptor;

/**
 * The counters and error log of one RPCool instance, in its counters file in the daemon directory
 * ({@link CountersFileDescriptor}; {@code ./rpcool stat} prints them) and through JMX
 * ({@code io.rpcool:type=Rpcool}). Errors are logged through {@link System.Logger} and recorded
 * once per distinct error with a count.
 *
 * <p>Counters on a call's path cost nothing there: calls made and served are summed by the
 * conductor from the slots' and handler threads' own counts; failures, refusals and errors are
 * counted where they happen, off the fast path.
 */
final class RpcoolCounters implements AutoCloseable
{
    private static final System.Logger LOGGER = System.getLogger("io.rpcool");

    private final CountersFile file;
    private final CountersBean bean;
    final AtomicCounter callsMade;
    final AtomicCounter callsServed;
    private final AtomicCounter[] failures = new AtomicCounter[128];
    final AtomicCounter malformedEntries;
    final AtomicCounter malformedReplies;
    final AtomicCounter rejectedCalls;
    final AtomicCounter handOffs;
    final AtomicCounter futexSleeps;
    final AtomicCounter futexWakes;
    final AtomicCounter sealsMade;
    final AtomicCounter sealBatchReleases;
    final AtomicCounter quotaRefusals;
    final AtomicCounter connectionsOpened;
    final AtomicCounter connectionsBroken;
    final AtomicCounter peerFailures;
    final AtomicCounter leaseRenewals;
    final AtomicCounter daemonReattachments;
    final AtomicCounter errors;

    RpcoolCounters(final Path directory, final long pid, final String processName)
    {
        this.file = CountersFile.create(directory == null ? null : directory.resolve(CountersFileDescriptor.processFileName(pid)),
            pid, processName);
        this.callsMade = file.newCounter("calls made");
        this.callsServed = file.newCounter("calls served");
        for (final Status s : Status.values())
        {
            if (s != Status.OK)
            {
                failures[s.code()] = file.newCounter("calls failed: " + s);
            }
        }
        this.malformedEntries = file.newCounter("malformed request entries");
        this.malformedReplies = file.newCounter("malformed replies");
        this.rejectedCalls = file.newCounter("calls rejected (seal requirement)");
        this.handOffs = file.newCounter("waits handed to the poller");
        this.futexSleeps = file.newCounter("futex sleeps woken by the peer");
        this.futexWakes = file.newCounter("futex wake-ups issued");
        this.sealsMade = file.newCounter("seals made");
        this.sealBatchReleases = file.newCounter("seal batch releases");
        this.quotaRefusals = file.newCounter("quota refusals");
        this.connectionsOpened = file.newCounter("connections opened");
        this.connectionsBroken = file.newCounter("connections broken");
        this.peerFailures = file.newCounter("peer failures");
        this.leaseRenewals = file.newCounter("lease renewals");
        this.daemonReattachments = file.newCounter("daemon restarts re-attached to");
        this.errors = file.newCounter("errors");
        this.bean = CountersBean.register(file, "Rpcool", processName);
    }

    /** A call failed with {@code status} (on either end). */
    void callFailed(final Status status)
    {
        final AtomicCounter c = failures[status.code()];
        if (c != null)
        {
            c.increment();
        }
    }

    /**
     * Something failed that no caller is told about directly: log it, record it once per distinct
     * error, count it.
     */
    void onError(final String what, final Throwable t)
    {
        errors.increment();
        file.recordError(t);
        LOGGER.log(System.Logger.Level.WARNING, "rpcool: " + what + ": " + t);
    }

    /** Record an error in the error log (once per distinct error, with a count), without a log line. */
    void recordDistinct(final Throwable t)
    {
        file.recordError(t);
    }

    /** Something the library noticed and handled, worth a line at DEBUG. */
    static void debug(final String message)
    {
        LOGGER.log(System.Logger.Level.DEBUG, message);
    }

    /** Something an operator should see once (not per call). */
    static void warn(final String message)
    {
        LOGGER.log(System.Logger.Level.WARNING, message);
    }

    /** Counter values by label, in allocation order. */
    java.util.Map<String, Long> snapshot()
    {
        final java.util.Map<String, Long> map = new java.util.LinkedHashMap<>();
        for (final CountersFile.Counter c : file.counters())
        {
            map.put(c.label(), c.value());
        }
        return map;
    }

    /** Distinct errors recorded so far. */
    java.util.List<String> errorLog()
    {
        return file.errors();
    }

    /** Where the counters file is, or null if the counters live in private memory. */
    Path path()
    {
        return file.path();
    }

    @Override
    public void close()
    {
        bean.close();
        file.close();
    }
}
