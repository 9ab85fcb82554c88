package io.rpcool.examples.greeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.TestDirs;
import io.rpcool.Transport;
import io.rpcool.examples.greeter.Greeter.Greeting;
import io.rpcool.examples.greeter.Greeter.Person;
import io.rpcool.harness.jvm.ChildJvm;

/** The typed Greeter example: the server in its own JVM, called through the stub generated at build time. */
@Tag("multiprocess")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GreeterExampleTest
{
    @Test
    void shouldGreetThroughTheGeneratedStubWithTheStubsDeadline() throws Exception
    {
        final Path dir = TestDirs.fresh("greeter");
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir).daemonMode(RpcoolContext.DaemonMode.EMBEDDED));
            ChildJvm server = ChildJvm.builder(GreeterServer.class).property("rpcool.dir", dir.toString()).start())
        {
            server.awaitLine("READY", 60_000);
            try (Connection conn = rpc.connect(Greeter.CHANNEL))
            {
                assertEquals(Transport.SHARED_MEMORY, conn.transport());
                final GreeterRpc.Stub greeter = GreeterRpc.stub(conn);
                final Greeting g = greeter.greet(new Person("Ada", List.of("en")));
                assertEquals("Hello, Ada!", g.text());
                assertTrue(g.serverMsLeft() > 5_000, "the connection's default deadline (10 s here): " + g.serverMsLeft());
                final List<Greeting> all = greeter.withDeadlineAfter(500, TimeUnit.MILLISECONDS)
                    .greetAll(List.of(new Person("Ada", List.of()), new Person("Marie", List.of("fr")))).get(5, TimeUnit.SECONDS);
                assertEquals("Bonjour, Marie!", all.get(1).text());
                assertTrue(all.get(1).serverMsLeft() <= 500, "the stub's deadline reaches the handler: " + all.get(1).serverMsLeft());
            }
        }
    }
}
