package io.rpcool.examples.greeter;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.rpcool.service.RpcMethod;
import io.rpcool.service.RpcService;

/**
 * A typed service: rpcool-service-processor generates {@code GreeterRpc} from this interface at compile
 * time ({@code GreeterRpc.bind(channel, impl)}, {@code GreeterRpc.stub(connection)}).
 */
@RpcService(name = "demo.Greeter")
public interface Greeter
{
    String CHANNEL = "/demo/greeter";

    record Person(String name, List<String> languages)
    {
    }

    record Greeting(String text, long serverMsLeft)
    {
    }

    Greeting greet(Person person);

    @RpcMethod(deadlineMs = 2_000)
    CompletableFuture<List<Greeting>> greetAll(List<Person> people);
}
