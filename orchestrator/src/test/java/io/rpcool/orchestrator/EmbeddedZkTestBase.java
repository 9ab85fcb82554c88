package io.rpcool.orchestrator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.rpcool.TestDirs;

/**
 * Tests against an in-process ZooKeeper: a fresh directory with a pool folder and a ZooKeeper per
 * test; what a test adds to {@link #closeables} is closed after it, newest first, then ZooKeeper
 * stops and the directory goes.
 */
abstract class EmbeddedZkTestBase
{
    protected Path base;
    protected Path pool;
    protected EmbeddedZooKeeper zk;
    protected final List<AutoCloseable> closeables = new ArrayList<>();
    private final String directoryPrefix;

    EmbeddedZkTestBase(final String directoryPrefix)
    {
        this.directoryPrefix = directoryPrefix;
    }

    @BeforeEach
    void startZooKeeper() throws Exception
    {
        base = TestDirs.fresh(directoryPrefix);
        pool = Files.createDirectories(base.resolve("pool"));
        zk = new EmbeddedZooKeeper("127.0.0.1", 0, base.resolve("zk"), 100, 10_000);
    }

    @AfterEach
    void stopZooKeeper() throws Exception
    {
        Collections.reverse(closeables);
        for (final AutoCloseable c : closeables)
        {
            c.close();
        }
        closeables.clear();
        zk.close();
        try (var files = Files.walk(base))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
