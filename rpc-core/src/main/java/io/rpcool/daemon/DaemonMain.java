package io.rpcool.daemon;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The per-host daemon as a program: {@code ./rpcool daemon [options]} runs this class in the
 * foreground until it is interrupted (SIGINT, SIGTERM), with a class path of the runtime modules
 * only. The plug-ins on that class path (the kernel seal backend, the MPK sandbox layer, the cluster
 * orchestrator) are found by {@link Daemon} itself.
 *
 * <pre>
 *   $ ./rpcool daemon --dir /dev/shm/rpcool-me --quota 2147483648
 *   rpcool daemon listening on /dev/shm/rpcool-me/daemon.sock (quota 2147483648 bytes per process, seal backend mprotect)
 * </pre>
 *
 * Options are {@code --name value} or {@code --name=value}; every default is {@link DaemonConfig}'s,
 * so the {@code rpcool.*} system properties it reads apply here too. {@code --help} prints them.
 * Exit codes: 0 after {@code --help}, {@value #EXIT_USAGE} for a command line that cannot be used
 * (the problem and the usage go to stderr), {@value #EXIT_START_FAILED} when the daemon cannot start.
 */
public final class DaemonMain
{
    /**
     * Exit code of a command line that cannot be used.
     */
    public static final int EXIT_USAGE = 2;

    /**
     * Exit code when the daemon cannot start (e.g. another daemon holds the directory).
     */
    public static final int EXIT_START_FAILED = 1;

    /**
     * Start of the line printed once the daemon listens.
     */
    public static final String LISTENING = "rpcool daemon listening on ";

    private DaemonMain()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final DaemonConfig config;
        try
        {
            config = parse(args);
        }
        catch (final UsageException ex)
        {
            System.err.println("rpcool daemon: " + ex.getMessage());
            System.err.print(usage(new DaemonConfig()));
            System.exit(EXIT_USAGE);
            return;
        }
        if (config == null)
        {
            System.out.print(usage(new DaemonConfig()));
            return;
        }
        final Daemon daemon;
        try
        {
            daemon = Daemon.start(config);
        }
        catch (final RuntimeException ex)
        {
            System.err.println("rpcool daemon: cannot start in " + config.directory() + ": " + ex.getMessage());
            System.exit(EXIT_START_FAILED);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "rpcool-daemon-shutdown"));
        System.out.println(listening(daemon, config));
        System.out.flush();
        Thread.currentThread().join();
    }

    /**
     * @param args  the command line after {@code daemon}.
     * @return the configuration it asks for, or null if it asks for {@code --help}.
     * @throws UsageException if an option is unknown, lacks its value or has a value that cannot be used.
     */
    public static DaemonConfig parse(final String... args)
    {
        final DaemonConfig config = new DaemonConfig();
        double spinBelow = config.spinBelow();
        double sleepBelow = config.sleepBelow();
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h"))
            {
                return null;
            }
            if (!arg.startsWith("--"))
            {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            final int equals = arg.indexOf('=');
            final String name = equals < 0 ? arg : arg.substring(0, equals);
            final String value;
            if (!isOption(name))
            {
                throw new UsageException("unknown option '" + name + "'");
            }
            if (equals >= 0)
            {
                value = arg.substring(equals + 1);
            }
            else if (i + 1 < args.length)
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException("option '" + name + "' needs a value");
            }
            switch (name)
            {
                case "--dir": config.directory(Path.of(value)); break;
                case "--quota": config.quotaBytes(positiveLong(name, value)); break;
                case "--spin-below": spinBelow = fraction(name, value); break;
                case "--sleep-below": sleepBelow = fraction(name, value); break;
                case "--seal-backend": config.sealBackend(value); break;
                case "--orchestrator": config.orchestrator(value); break;
                case "--host": config.hostId(value); break;
                case "--pool": config.poolDirectory(Path.of(value)); break;
                case "--pool-device": config.poolDevice(value.isEmpty() ? null : Path.of(value)); break;
                case "--lease-timeout-ms": config.leaseTimeoutMs(nonNegativeLong(name, value)); break;
                case "--allow-uid": config.allowedUids(ids(name, value)); break;
                case "--allow-gid": config.allowedGids(ids(name, value)); break;
                default: throw new IllegalStateException(name);
            }
        }
        if (spinBelow > sleepBelow)
        {
            throw new UsageException("--spin-below (" + spinBelow + ") must not be above --sleep-below (" + sleepBelow + ")");
        }
        return config.idleThresholds(spinBelow, sleepBelow);
    }

    /**
     * @param defaults  whose values the text gives as defaults.
     * @return the usage text: every option with its meaning and default.
     */
    public static String usage(final DaemonConfig defaults)
    {
        final StringBuilder text = new StringBuilder();
        text.append("Usage: rpcool daemon [--help] [--dir DIR] [--quota BYTES] [--spin-below F] [--sleep-below F]\n")
            .append("                     [--seal-backend NAME] [--orchestrator SPEC] [--host NAME] [--pool DIR]\n")
            .append("                     [--lease-timeout-ms MS] [--allow-uid UIDS] [--allow-gid GIDS]\n")
            .append("Run the per-host daemon in the foreground until interrupted.\n");
        option(text, "--dir DIR", "Daemon directory (default: " + defaults.directory() + ").");
        option(text, "--quota BYTES", "Shared memory each process may map, in bytes (default: " + defaults.quotaBytes() + ").");
        option(text, "--spin-below F", "Spin while other load is below this fraction (default: " + defaults.spinBelow() + ").");
        option(text, "--sleep-below F", "Sleep between polls below this fraction, hand off above (default: " +
            defaults.sleepBelow() + ").");
        option(text, "--seal-backend NAME", "Seal backend: auto (the kernel module when /dev/rpcool is usable, else mprotect), " +
            "kernel or mprotect (default: " + defaults.sealBackend() + ").");
        option(text, "--orchestrator SPEC", "Join a cluster that shares a memory pool: 'embedded[:port]' (run ZooKeeper and an " +
            "orchestrator in this daemon) or 'zk:host:port[,...]'; empty for a single host (default: '" + defaults.orchestrator() + "').");
        option(text, "--host NAME", "This host's name in the cluster (default: " + defaults.hostId() + ").");
        option(text, "--pool DIR", "The cluster's shared memory pool, a directory every host sees (default: " +
            defaults.poolDirectory() + ").");
        option(text, "--pool-device PATH", "The pool is this memory device (/dev/daxX.Y, a PCI BAR's resource2, or a file of fixed " +
            "size) as this host sees it; heaps are ranges of it (default: '" + (defaults.poolDevice() == null ? "" :
            defaults.poolDevice()) + "', one file per heap in --pool).");
        option(text, "--lease-timeout-ms MS", "Processes (and, in a cluster, this host) that do not renew their lease for this " +
            "long are treated as dead; 0: process leases off (default: " + defaults.leaseTimeoutMs() + ").");
        option(text, "--allow-uid UIDS", "Users (comma-separated uids) whose processes may use this daemon besides its own " +
            "user; by default only its own user's may.");
        option(text, "--allow-gid GIDS", "Groups (comma-separated gids) whose processes may use this daemon.");
        option(text, "-h, --help", "Show this help and exit.");
        return text.toString();
    }

    /**
     * @param daemon  the started daemon.
     * @param config  its configuration.
     * @return the line that says it listens: its socket, quota, seal backend and cluster.
     */
    static String listening(final Daemon daemon, final DaemonConfig config)
    {
        return LISTENING + daemon.socketPath() + " (quota " + config.quotaBytes() + " bytes per process, seal backend " +
            daemon.sealBackend() + (config.orchestrator().isEmpty() ? "" : ", host " + config.hostId() + " of the cluster at " +
            config.orchestrator() + ", pool " + config.describePool()) + ")";
    }

    private static void option(final StringBuilder text, final String name, final String description)
    {
        text.append(String.format(Locale.ROOT, "  %-22s %s%n", name, description));
    }

    private static boolean isOption(final String name)
    {
        switch (name)
        {
            case "--dir":
            case "--allow-uid":
            case "--allow-gid":
            case "--quota":
            case "--spin-below":
            case "--sleep-below":
            case "--seal-backend":
            case "--orchestrator":
            case "--host":
            case "--pool":
            case "--pool-device":
            case "--lease-timeout-ms":
                return true;
            default:
                return false;
        }
    }

    private static int[] ids(final String name, final String value)
    {
        try
        {
            return java.util.Arrays.stream(value.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        }
        catch (final NumberFormatException e)
        {
            throw new UsageException(name + " needs comma-separated numbers, not '" + value + "'");
        }
    }

    private static long positiveLong(final String name, final String value)
    {
        final long parsed = nonNegativeLong(name, value);
        if (parsed == 0)
        {
            throw new UsageException(name + " must be above 0");
        }
        return parsed;
    }

    private static long nonNegativeLong(final String name, final String value)
    {
        final long parsed;
        try
        {
            parsed = Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new UsageException(name + " takes a whole number, not '" + value + "'");
        }
        if (parsed < 0)
        {
            throw new UsageException(name + " must not be negative: " + value);
        }
        return parsed;
    }

    private static double fraction(final String name, final String value)
    {
        final double parsed;
        try
        {
            parsed = Double.parseDouble(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new UsageException(name + " takes a fraction between 0 and 1, not '" + value + "'");
        }
        if (!(parsed >= 0 && parsed <= 1))
        {
            throw new UsageException(name + " takes a fraction between 0 and 1, not " + value);
        }
        return parsed;
    }

    /**
     * A command line that cannot be used; the message says why.
     */
    public static final class UsageException extends IllegalArgumentException
    {
        private static final long serialVersionUID = 1L;

        UsageException(final String message)
        {
            super(message);
        }
    }
}
