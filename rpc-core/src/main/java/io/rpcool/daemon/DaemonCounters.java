package io.rpcool.daemon;

import java.nio.file.Path;

import org.agrona.concurrent.status.AtomicCounter;

import io.rpcool.nativeio.Native;
import io.rpcool.stat.CountersBean;
import io.rpcool.stat.CountersFile;
import io.rpcool.stat.CountersFileDescriptor;

/**
 * The daemon's counters and error log: {@code daemon-counters.dat} in its directory (printed by
 * {@code ./rpcool stat}) and JMX ({@code io.rpcool:type=Daemon}).
 */
final class DaemonCounters implements AutoCloseable
{
    private static final System.Logger LOGGER = System.getLogger("io.rpcool.daemon");

    private final CountersFile file;
    private final CountersBean bean;
    final AtomicCounter processesConnected;
    final AtomicCounter processesRefused;
    final AtomicCounter processesDisconnected;
    final AtomicCounter leaseExpiries;
    final AtomicCounter channelsOpened;
    final AtomicCounter connectionsMade;
    final AtomicCounter heapsCreated;
    final AtomicCounter quotaRefusals;
    final AtomicCounter malformedMessages;
    final AtomicCounter errors;
    final AtomicCounter hostFences;
    final AtomicCounter fencedProcessesKilled;

    DaemonCounters(final Path directory)
    {
        this.file = CountersFile.create(directory.resolve(CountersFileDescriptor.DAEMON_FILE_NAME), Native.pid(), "daemon");
        this.processesConnected = file.newCounter("processes connected");
        this.processesRefused = file.newCounter("processes refused (user not allowed)");
        this.processesDisconnected = file.newCounter("processes disconnected (not reading)");
        this.leaseExpiries = file.newCounter("process leases expired");
        this.channelsOpened = file.newCounter("channels opened");
        this.connectionsMade = file.newCounter("connections made");
        this.heapsCreated = file.newCounter("heaps created");
        this.quotaRefusals = file.newCounter("quota refusals");
        this.malformedMessages = file.newCounter("malformed control messages");
        this.errors = file.newCounter("errors");
        this.hostFences = file.newCounter("host fences (cluster session at risk)");
        this.fencedProcessesKilled = file.newCounter("processes killed still mapping fenced heaps");
        this.bean = CountersBean.register(file, "Daemon", "daemon");
    }

    /** Log, record once per distinct error, count. */
    void onError(final String what, final Throwable t)
    {
        errors.increment();
        file.recordError(t);
        LOGGER.log(System.Logger.Level.WARNING, "rpcool daemon: " + what + ": " + t);
    }

    /** Record a refusal in the error log without a log line per occurrence. */
    void recordDistinct(final Throwable t)
    {
        file.recordError(t);
    }

    @Override
    public void close()
    {
        bean.close();
        file.close();
    }
}
