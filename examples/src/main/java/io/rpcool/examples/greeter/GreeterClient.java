package io.rpcool.examples.greeter;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.rpcool.Connection;
import io.rpcool.Rpcool;
import io.rpcool.examples.greeter.Greeter.Greeting;
import io.rpcool.examples.greeter.Greeter.Person;

/** Calls {@link Greeter} through its generated stub and prints the replies. */
public final class GreeterClient
{
    private GreeterClient()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        try (Rpcool rpc = Rpcool.launch(); Connection conn = rpc.connect(Greeter.CHANNEL))
        {
            final GreeterRpc.Stub greeter = GreeterRpc.stub(conn);      // checks the server's interface first
            final Greeting g = greeter.greet(new Person("Ada", List.of("en")));
            System.out.println(g.text() + " (the server had " + g.serverMsLeft() + " ms left)");
            final List<Greeting> all = greeter.withDeadlineAfter(500, TimeUnit.MILLISECONDS)
                .greetAll(List.of(new Person("Ada", List.of("en")), new Person("Marie", List.of("fr"))))
                .get(5, TimeUnit.SECONDS);
            all.forEach(x -> System.out.println(x.text() + " (the server had " + x.serverMsLeft() + " ms left)"));
        }
    }
}
