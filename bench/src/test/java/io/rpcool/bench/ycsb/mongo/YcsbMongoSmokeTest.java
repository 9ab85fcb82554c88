package io.rpcool.bench.ycsb.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * YCSB's client runs workloads A to F through {@link MongoDbBinding} against mongo-java-server in
 * another JVM over RPCool's Netty channels: every operation succeeds, on two client threads. The
 * baselines' servers and clients run workload A as well.
 */
@Tag("multiprocess")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class YcsbMongoSmokeTest
{
    @Test
    void shouldRunWorkloadsAToFWithoutFailedOperations(@TempDir final Path dir) throws Exception
    {
        try (MongoYcsbStore store = new MongoYcsbStore(java.util.List.of("-Xmx256m")))
        {
            final Properties server = store.start("rpcool-shm", dir);
            for (final String letter : store.workloads())
            {
                final Properties props = new Properties();
                props.putAll(server);
                props.setProperty(MongoDbBinding.DATABASE, "ycsb-" + letter);
                props.setProperty("recordcount", "200");
                props.setProperty("operationcount", "400");
                props.setProperty("threadcount", "2");
                props.setProperty(YcsbRun.PHASE_TIMEOUT_S, "60");
                final YcsbRun.Result result = YcsbRun.run(letter, props, store.dbClassName());
                System.out.println(result);
                assertEquals(400, result.operations(), result.toString());
                assertEquals(0, result.failed(), result.toString());
                assertTrue(result.p50Us() > 0 && result.p99Us() >= result.p50Us(), result.toString());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"uds", "tcp"})
    void shouldRunWorkloadAOverTheBaselines(final String system, @TempDir final Path dir) throws Exception
    {
        try (MongoYcsbStore store = new MongoYcsbStore(java.util.List.of("-Xmx256m")))
        {
            final Properties props = store.start(system, dir);
            props.setProperty("recordcount", "100");
            props.setProperty("operationcount", "200");
            props.setProperty(YcsbRun.PHASE_TIMEOUT_S, "60");
            final YcsbRun.Result result = YcsbRun.run("a", props, store.dbClassName());
            System.out.println(system + ": " + result);
            assertEquals(200, result.operations(), result.toString());
            assertEquals(0, result.failed(), result.toString());
        }
    }
}
