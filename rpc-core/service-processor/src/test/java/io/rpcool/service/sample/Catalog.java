package io.rpcool.service.sample;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.rpcool.mem.RpcBuffer;
import io.rpcool.mem.SharedString;
import io.rpcool.service.RpcMethod;
import io.rpcool.service.RpcService;
import io.rpcool.service.Sandboxed;
import io.rpcool.service.Sealed;

/** A sample of what typed methods take and return; the tests call it across JVMs. */
@RpcService(name = "test.Catalog")
public interface Catalog
{
    enum Color
    {
        RED, GREEN, BLUE
    }

    record Item(String name, int quantity, double price, List<String> tags, Color color)
    {
    }

    record Customer(String name, Long loyaltyId, Map<String, List<Integer>> history)
    {
    }

    record Order(long id, Customer customer, List<Item> lines, Map<String, Item> byName, boolean rush, char grade, short priority,
        byte flags, float discount)
    {
    }

    record Tree(String label, List<Tree> children)
    {
    }

    Order echoOrder(Order order);

    int add(int a, int b);

    String greet(String name);

    Integer boxed(Integer value);

    byte[] reverse(byte[] data);

    Map<String, Integer> countWords(List<String> words);

    Tree mirror(Tree tree);

    void record(String event);

    List<String> events();

    CompletableFuture<String> greetLater(String name, long delayMs);

    /** Reads a string the client allocated in the connection's heap, in place. */
    long sharedLength(SharedString text);

    /** Returns the same string by reference. */
    SharedString sharedEcho(SharedString text);

    @Sealed
    long checksum(byte[] data);

    /** Runs in a sandbox over {@code buffer}: {@code text} must lie inside it. */
    @Sandboxed
    int sandboxedLength(RpcBuffer buffer, SharedString text);

    String fail(String message);

    /** The handler's remaining time, as ServiceContext tells it (ms). */
    long remainingMs();

    @RpcMethod(name = "slow", deadlineMs = 60_000)
    String sleep(long sleepMs);

    Item bigItem(int tagCount);
}
