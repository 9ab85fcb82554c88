package io.rpcool.examples.greeter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.rpcool.Channel;
import io.rpcool.Rpcool;
import io.rpcool.service.ServiceContext;

/**
 * Serves {@link Greeter} on {@link Greeter#CHANNEL}. Prints {@code READY} once it serves, and exits when its
 * standard input closes.
 */
public final class GreeterServer implements Greeter
{
    @Override
    public Greeting greet(final Person person)
    {
        final String hello = person.languages().contains("fr") ? "Bonjour" : "Hello";
        return new Greeting(hello + ", " + person.name() + "!", ServiceContext.current().remaining(TimeUnit.MILLISECONDS));
    }

    @Override
    public CompletableFuture<List<Greeting>> greetAll(final List<Person> people)
    {
        final List<Greeting> all = new ArrayList<>();
        for (final Person p : people)
        {
            all.add(greet(p));
        }
        return CompletableFuture.completedFuture(all);
    }

    public static void main(final String[] args) throws Exception
    {
        try (Rpcool rpc = Rpcool.launch())
        {
            final Channel channel = rpc.openChannel(Greeter.CHANNEL);
            GreeterRpc.bind(channel, new GreeterServer());
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() >= 0)
            {
                // Serve until the parent closes our input.
            }
        }
    }
}
