package io.rpcool.orchestrator.chaos;

import java.nio.file.Path;

import io.rpcool.daemon.Daemon;
import io.rpcool.daemon.DaemonConfig;

/**
 * One host's daemon for the chaos run. args: directory, host id, orchestrator spec, pool directory, lease timeout ms
 */
public final class ChaosDaemonMain
{
    private ChaosDaemonMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final DaemonConfig config = new DaemonConfig().directory(Path.of(args[0])).hostId(args[1]).orchestrator(args[2])
            .poolDirectory(Path.of(args[3])).leaseTimeoutMs(Long.parseLong(args[4])).sealBackend("mprotect");
        try (Daemon daemon = Daemon.start(config))
        {
            System.out.println("READY " + ProcessHandle.current().pid());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
