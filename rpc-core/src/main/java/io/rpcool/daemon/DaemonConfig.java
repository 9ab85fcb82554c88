package io.rpcool.daemon;

import java.nio.file.Path;

/**
 * Configuration of a daemon. Defaults come from system properties so an embedded daemon can be
 * tuned without code: {@code rpcool.dir}, {@code rpcool.quota.bytes},
 * {@code rpcool.idle.spinBelow}, {@code rpcool.idle.sleepBelow}, {@code rpcool.idle.sampleMs},
 * {@code rpcool.seal.backend}.
 */
public final class DaemonConfig
{
    public static final long DEFAULT_QUOTA_BYTES = 1L << 30;
    public static final double DEFAULT_SPIN_BELOW = 0.20;
    public static final double DEFAULT_SLEEP_BELOW = 0.30;

    private Path directory = defaultDirectory();
    private long quotaBytes = Long.getLong("rpcool.quota.bytes", DEFAULT_QUOTA_BYTES);
    private long windowBase = AddressSpace.DEFAULT_BASE;
    private long windowEnd = AddressSpace.DEFAULT_END;
    private double spinBelow = Double.parseDouble(System.getProperty("rpcool.idle.spinBelow", String.valueOf(DEFAULT_SPIN_BELOW)));
    private double sleepBelow = Double.parseDouble(System.getProperty("rpcool.idle.sleepBelow", String.valueOf(DEFAULT_SLEEP_BELOW)));
    private long loadSampleMs = Long.getLong("rpcool.idle.sampleMs", 100);
    private long peerAnswerTimeoutMs = 10_000;
    private String sealBackend = io.rpcool.seal.SealBackends.configured();

    public static Path defaultDirectory()
    {
        final String configured = System.getProperty("rpcool.dir", System.getenv("RPCOOL_DIR"));
        if (configured != null && !configured.isEmpty())
        {
            return Path.of(configured);
        }
        return Path.of("/dev/shm", "rpcool-" + System.getProperty("user.name", "user"));
    }

    public Path directory()
    {
        return directory;
    }

    public DaemonConfig directory(final Path directory)
    {
        this.directory = directory;
        return this;
    }

    public long quotaBytes()
    {
        return quotaBytes;
    }

    /** Shared memory each process may map, counting every heap it maps. */
    public DaemonConfig quotaBytes(final long quotaBytes)
    {
        this.quotaBytes = quotaBytes;
        return this;
    }

    public long windowBase()
    {
        return windowBase;
    }

    public long windowEnd()
    {
        return windowEnd;
    }

    public DaemonConfig window(final long base, final long end)
    {
        this.windowBase = base;
        this.windowEnd = end;
        return this;
    }

    public double spinBelow()
    {
        return spinBelow;
    }

    public double sleepBelow()
    {
        return sleepBelow;
    }

    /** Load thresholds of the adaptive wait: spin below the first, sleep below the second, hand off above. */
    public DaemonConfig idleThresholds(final double spinBelow, final double sleepBelow)
    {
        if (!(0 <= spinBelow && spinBelow <= sleepBelow && sleepBelow <= 1))
        {
            throw new IllegalArgumentException("need 0 <= spinBelow <= sleepBelow <= 1: " + spinBelow + ", " + sleepBelow);
        }
        this.spinBelow = spinBelow;
        this.sleepBelow = sleepBelow;
        return this;
    }

    public long loadSampleMs()
    {
        return loadSampleMs;
    }

    public DaemonConfig loadSampleMs(final long loadSampleMs)
    {
        this.loadSampleMs = loadSampleMs;
        return this;
    }

    public String sealBackend()
    {
        return sealBackend;
    }

    /**
     * Seal backend of the host: {@code auto} (the kernel module when {@code /dev/rpcool} is present
     * and usable, else mprotect), or a backend name to insist on.
     */
    public DaemonConfig sealBackend(final String sealBackend)
    {
        this.sealBackend = sealBackend;
        return this;
    }

    public long peerAnswerTimeoutMs()
    {
        return peerAnswerTimeoutMs;
    }
}
