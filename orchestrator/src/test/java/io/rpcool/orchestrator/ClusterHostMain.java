package io.rpcool.orchestrator;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;

import io.rpcool.daemon.Daemon;
import io.rpcool.daemon.DaemonConfig;

/**
 * One host's daemon in a separate JVM, joined to a cluster. Prints {@code READY <pid>}; on the
 * command {@code stat} prints the daemon's report followed by {@code END}.
 *
 * <p>args: daemon directory, host id, orchestrator spec, pool directory, lease timeout ms, quota bytes
 */
public final class ClusterHostMain
{
    private ClusterHostMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final DaemonConfig config = new DaemonConfig().directory(Path.of(args[0])).hostId(args[1]).orchestrator(args[2])
            .poolDirectory(Path.of(args[3])).leaseTimeoutMs(Long.parseLong(args[4])).quotaBytes(Long.parseLong(args[5]))
            .sealBackend("mprotect");
        try (Daemon daemon = Daemon.start(config))
        {
            System.out.println("READY " + ProcessHandle.current().pid());
            System.out.flush();
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            String line;
            while ((line = in.readLine()) != null)
            {
                if (line.equals("stat"))
                {
                    System.out.print(daemon.statReport());
                    System.out.println("END");
                    System.out.flush();
                }
            }
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
