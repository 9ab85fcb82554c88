package io.rpcool.sandbox.mpk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.agrona.UnsafeApi;

import io.rpcool.Channel;
import io.rpcool.ChannelOptions;
import io.rpcool.ClientCall;
import io.rpcool.Connection;
import io.rpcool.RpcException;
import io.rpcool.Rpcool;
import io.rpcool.Status;
import io.rpcool.TestDirs;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.mem.MemoryRegion;
import io.rpcool.mem.RpcBuffer;
import io.rpcool.sandbox.GraphWalker;
import io.rpcool.sandbox.HostileGraph;
import io.rpcool.sandbox.Sandbox;
import io.rpcool.sandbox.SandboxServerMain;
import io.rpcool.sandbox.SandboxViolationException;
import io.rpcool.sandbox.Sandboxes;

/**
 * The MPK tests, run in a guest whose CPU has protection keys (qemu {@code -cpu max}): key
 * assignment seen in {@code /proc/self/smaps}, cached and uncached sandboxes, more concurrent
 * sandboxes than keys, raw accesses that bypass the views caught as violations, threads created
 * before the keys existed, JVM faults passing through the handler, a fault on a sandboxed handler
 * thread turned into an error reply while other threads keep working (one JVM, then a server JVM
 * and this one as the client), and the hostile-graph fuzzing with the hardware layer on.
 * <p>
 * Prints {@code PASS name} or {@code FAIL name: why} per test and exits 0 only if all passed.
 */
public final class MpkGuestSuite
{
    private static final long PAGE = 4096;
    private static int passed;
    private static int failed;
    private static Set<String> only;
    private static String tag = "";

    @FunctionalInterface
    interface Check
    {
        void run() throws Exception;
    }

    private MpkGuestSuite()
    {
    }

    static void test(final String testName, final Check check)
    {
        if (only != null && !only.contains(testName))
        {
            return;
        }
        final String name = testName + tag;
        final long start = System.nanoTime();
        try
        {
            check.run();
            passed++;
            System.out.printf("PASS %s (%.1f s)%n", name, (System.nanoTime() - start) / 1e9);
        }
        catch (final Throwable t)
        {
            failed++;
            System.out.println("FAIL " + name + ": " + String.valueOf(t).replace('\n', ' '));
            t.printStackTrace(System.out);
        }
        System.out.flush();
    }

    static void check(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new AssertionError(what);
        }
    }

    /** The protection key of the page holding {@code address}, from /proc/self/smaps; -1 if none shown. */
    static int pkeyOf(final long address) throws IOException
    {
        boolean inside = false;
        for (final String line : Files.readAllLines(Path.of("/proc/self/smaps")))
        {
            final int dash = line.indexOf('-');
            final int space = line.indexOf(' ');
            if (dash > 0 && space > dash && !line.startsWith("ProtectionKey") && line.substring(0, dash).matches("[0-9a-f]+"))
            {
                final long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                final long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                inside = address >= start && address < end;
            }
            else if (inside && line.startsWith("ProtectionKey:"))
            {
                return Integer.parseInt(line.substring("ProtectionKey:".length()).trim());
            }
        }
        return -1;
    }

    static MpkSandboxProvider provider()
    {
        return (MpkSandboxProvider)Sandboxes.provider();
    }

    static long readRaw(final long address)
    {
        return UnsafeApi.getLong(address);
    }

    /**
     * args: [--only name,name,...] run just these tests; [--tag T] append "[T]" to every test name.
     */
    public static void main(final String[] args) throws Exception
    {
        for (int i = 0; i < args.length; i++)
        {
            if ("--only".equals(args[i]))
            {
                only = new HashSet<>(List.of(args[++i].split(",")));
            }
            else if ("--tag".equals(args[i]))
            {
                tag = "[" + args[++i] + "]";
            }
        }
        System.out.println("guest-java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        // A thread the JVM starts before the process has any keys: Linux denies it every new key.
        final CountDownLatch early = new CountDownLatch(1);
        final AtomicLong earlyAddress = new AtomicLong();
        final AtomicReference<Object> earlyResult = new AtomicReference<>();
        final Thread earlyThread = new Thread(() ->
        {
            try
            {
                early.await();
                earlyResult.set(readRaw(earlyAddress.get()));
            }
            catch (final Throwable t)
            {
                earlyResult.set(t);
            }
        }, "started-before-keys");
        earlyThread.start();

        test("mpk_available", () ->
        {
            check(Mpk.isAvailable(), "unavailable: " + Mpk.unavailabilityCause());
            check(Sandboxes.provider() instanceof MpkSandboxProvider, "provider " + Sandboxes.provider().name());
            System.out.println("guest-java: " + Sandboxes.status());
            check(Mpk.sandboxKeys().length == 14, "sandbox keys " + Mpk.sandboxKeys().length);
        });
        if (!Mpk.isAvailable())
        {
            finish();
            return;
        }

        final Path dir = TestDirs.fresh("mpk-guest");
        final Rpcool rpc = Rpcool.launch(TestDirs.context(dir).heapSize(4 << 20).callTimeoutMs(60_000));
        final Channel channel = rpc.openChannel("/mpk/suite", ChannelOptions.defaults().sandboxed(true).handlerThreads(2));
        channel.register(SandboxServerMain.WALK, call ->
        {
            call.reply().putLong(0, new GraphWalker(call.sandbox().regions()).sum(call.request().getLong(8)));
            call.replyLength(8);
        });
        channel.register(SandboxServerMain.RAW_READ, call ->
        {
            call.reply().putLong(0, readRaw(call.request().getLong(8)));
            call.replyLength(8);
        });
        final Connection conn = rpc.connect("/mpk/suite");
        final Connection victim = rpc.connect("/mpk/suite");
        final RpcBuffer buffer = conn.createBuffer(64 * 1024);
        final long secret = conn.heap().allocate(64);
        HostileGraph.plantSecret(conn.heap().regions(), secret);
        final long victimSecret = victim.heap().allocate(64);
        HostileGraph.plantSecret(victim.heap().regions(), victimSecret);
        // Page-aligned regions inside the connection's data heap, a free page between each two.
        final long block = conn.heap().allocate(70 * PAGE);
        final long firstPage = (block + PAGE - 1) & -PAGE;
        final List<MemoryRegion> pages = new ArrayList<>();
        for (int i = 0; i < 34; i++)
        {
            pages.add(new MemoryRegion("page-" + i, firstPage + 2 * i * PAGE, PAGE));
            conn.heap().regions().putLong(firstPage + 2 * i * PAGE, 1000 + i);
        }

        test("data_heaps_carry_the_shared_key", () ->
        {
            check(pkeyOf(secret) == 0, "before the first sandbox, heaps keep key 0: " + pkeyOf(secret));
            Sandbox.run(buffer.region(), sb -> null);
            check(pkeyOf(secret) == Mpk.sharedKey(), "key " + pkeyOf(secret) + ", shared key " + Mpk.sharedKey());
            check(pkeyOf(victimSecret) == Mpk.sharedKey(), "another connection's heap: key " + pkeyOf(victimSecret));
        });

        test("thread_started_before_the_keys_is_granted_them", () ->
        {
            final long grants = Mpk.shim().rpcool_sb_counter(1);
            earlyAddress.set(secret + 8);
            early.countDown();
            earlyThread.join(30_000);
            check(Long.valueOf(HostileGraph.SECRET).equals(earlyResult.get()), "read " + earlyResult.get());
            check(Mpk.shim().rpcool_sb_counter(1) > grants, "no grant counted");
        });

        test("cached_sandbox_keeps_its_key", () ->
        {
            final MemoryRegion r = pages.get(0);
            Sandbox.run(r, sb -> sb.regions().getLong(r.base()));
            final int key = pkeyOf(r.base());
            check(key == provider().keyOf(r.base()) && key != Mpk.sharedKey() && key > 0, "region key " + key);
            final long reassigned = provider().keyReassignments();
            final long cached = provider().cachedEntries();
            for (int i = 0; i < 200; i++)
            {
                final long v = Sandbox.run(r, sb -> readRaw(r.base()));
                check(v == 1000, "read " + v);
            }
            check(provider().keyReassignments() == reassigned, "a cached entry reassigned a key");
            check(provider().cachedEntries() == cached + 200, "cached entries " + (provider().cachedEntries() - cached));
            check(pkeyOf(r.base()) == key, "key moved");
        });

        test("uncached_sandboxes_wait_for_and_reassign_keys", () ->
        {
            final long reassigned = provider().keyReassignments();
            for (int i = 0; i < 20; i++)
            {
                final MemoryRegion r = pages.get(i);
                final int n = i;
                final long v = Sandbox.run(r, sb -> readRaw(r.base()));
                check(v == 1000 + n, "page " + n + " read " + v);
            }
            check(provider().keyReassignments() - reassigned >= 19, "reassignments " + (provider().keyReassignments() - reassigned));
            final Set<Integer> keys = new HashSet<>();
            for (int i = 6; i < 20; i++)
            {
                keys.add(pkeyOf(pages.get(i).base()));
            }
            check(keys.size() == 14 && !keys.contains(Mpk.sharedKey()), "the last 14 regions hold the 14 keys: " + keys);
            for (int i = 0; i < 6; i++)
            {
                check(pkeyOf(pages.get(i).base()) == Mpk.sharedKey(), "evicted page " + i + " has key " + pkeyOf(pages.get(i).base()));
            }
            check(pkeyOf(pages.get(0).base() + PAGE) == Mpk.sharedKey(), "neighbouring page keeps the shared key");
        });

        test("more_than_14_concurrent_sandboxes", () ->
        {
            final AtomicInteger inside = new AtomicInteger();
            final AtomicInteger most = new AtomicInteger();
            final AtomicReference<Throwable> error = new AtomicReference<>();
            final long waits = provider().keyWaits();
            final List<Thread> threads = new ArrayList<>();
            final CountDownLatch ready = new CountDownLatch(32);
            for (int t = 0; t < 32; t++)
            {
                final MemoryRegion r = pages.get(t);
                final int n = t;
                final Thread th = new Thread(() ->
                {
                    try
                    {
                        ready.countDown();
                        ready.await();
                        for (int i = 0; i < 5; i++)
                        {
                            final long v = Sandbox.run(r, sb ->
                            {
                                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                                final long x = readRaw(r.base());
                                // Stay inside (rights are per thread and survive being descheduled)
                                // until all 14 keys are taken or a while has passed, so that the
                                // others pile up behind the 14 keys.
                                final long until = System.nanoTime() + 2_000_000_000L;
                                while (inside.get() < 14 && System.nanoTime() < until)
                                {
                                    Thread.sleep(1);
                                }
                                Thread.sleep(10);
                                final long y = readRaw(r.base()) + sb.regions().getLong(r.base());
                                inside.decrementAndGet();
                                return (x + y) / 3;
                            });
                            if (v != 1000 + n)
                            {
                                throw new AssertionError("thread " + n + " read " + v);
                            }
                        }
                    }
                    catch (final Throwable e)
                    {
                        error.compareAndSet(null, e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (final Thread th : threads)
            {
                th.join(120_000);
            }
            if (error.get() != null)
            {
                throw new AssertionError("a sandboxed thread failed", error.get());
            }
            System.out.println("guest-java: 32 threads x 5 sandboxes: at most " + most.get() + " inside at once, " +
                (provider().keyWaits() - waits) + " waits");
            check(most.get() == 14, "14 inside at once, never more: " + most.get());
            check(provider().keyWaits() > waits, "no sandbox waited for a key");
        });

        test("raw_access_outside_the_region_is_a_violation", () ->
        {
            final MemoryRegion r = pages.get(25);
            final MemoryRegion other = pages.get(26);
            Sandbox.run(other, sb -> readRaw(other.base()));
            final long violations = Mpk.shim().rpcool_sb_counter(0);
            final long[] targets = {secret, other.base(), victimSecret, r.base() + PAGE};
            for (final long target : targets)
            {
                try
                {
                    Sandbox.run(r, sb -> readRaw(target));
                    throw new AssertionError(String.format("raw read of 0x%x (key %d) was not caught", target, pkeyOf(target)));
                }
                catch (final SandboxViolationException e)
                {
                    check(e.kind() == SandboxViolationException.Kind.PROTECTION_KEY, e.getMessage());
                    check(e.address() == target, String.format("fault at 0x%x, read 0x%x", e.address(), target));
                }
            }
            check(Mpk.shim().rpcool_sb_counter(0) == violations + targets.length, "violations counted");
            check(Sandbox.run(r, sb -> readRaw(r.base())) == 1025, "inside the region a raw read works");
            try
            {
                Sandbox.run(r, sb -> sb.regions().getLong(secret));
                throw new AssertionError("bounded read outside was not refused");
            }
            catch (final SandboxViolationException e)
            {
                check(e.kind() == SandboxViolationException.Kind.BOUNDS, e.getMessage());
            }
            check(readRaw(secret + 8) == HostileGraph.SECRET, "outside a sandbox the thread reads the heap");
        });

        test("jvm_faults_pass_through_the_handler", () ->
        {
            final long violations = Mpk.shim().rpcool_sb_counter(0);
            final MemoryRegion r = pages.get(27);
            final int npes = Sandbox.run(r, sb ->
            {
                int caught = 0;
                final Object[] holder = {null};
                for (int i = 0; i < 5_000; i++)
                {
                    try
                    {
                        caught += holder[0].hashCode();
                    }
                    catch (final NullPointerException e)
                    {
                        caught++;
                    }
                    if (i % 2500 == 0)
                    {
                        System.gc();
                    }
                }
                return caught;
            });
            check(npes == 5_000, "NullPointerExceptions " + npes);
            check(Mpk.shim().rpcool_sb_counter(0) == violations, "a JVM fault was taken for a violation");
        });

        test("fault_on_a_sandboxed_handler_is_an_error_reply_while_others_work", () ->
        {
            final AtomicReference<Throwable> error = new AtomicReference<>();
            final AtomicInteger honest = new AtomicInteger();
            final Thread worker = new Thread(() ->
            {
                try (Connection c = rpc.connect("/mpk/suite"); ClientCall call = c.newCall(SandboxServerMain.WALK))
                {
                    final RpcBuffer b = c.createBuffer(16 * 1024);
                    final long first = b.address() + b.length() - b.capacity();
                    for (int i = 0; i < 100; i++)
                    {
                        b.regions().setMemory(first, b.region().end() - first, (byte)0);
                        final HostileGraph g = HostileGraph.build(new SplittableRandom(i), b.region(), first, b.regions(),
                            new HostileGraph.Targets(secret, secret, 0x7fff_0000_0000L, PAGE, secret));
                        call.request().putLong(0, b.address());
                        call.request().putLong(8, g.root());
                        final HostileGraph.Outcome want = g.expected();
                        try
                        {
                            call.invoke(16);
                            if (want.result() != HostileGraph.Result.OK || want.sum() != call.reply().getLong(0))
                            {
                                throw new AssertionError("walk " + i + ": got a sum, want " + want);
                            }
                        }
                        catch (final RpcException e)
                        {
                            if (want.result() == HostileGraph.Result.OK)
                            {
                                throw new AssertionError("walk " + i + " failed: " + e.getMessage());
                            }
                        }
                        honest.incrementAndGet();
                    }
                }
                catch (final Throwable t)
                {
                    error.set(t);
                }
            });
            worker.start();
            try (ClientCall call = conn.newCall(SandboxServerMain.RAW_READ))
            {
                for (int i = 0; i < 40; i++)
                {
                    call.request().putLong(0, buffer.address());
                    call.request().putLong(8, i % 2 == 0 ? secret + 8 : victimSecret + 8);
                    try
                    {
                        call.invoke(16);
                        throw new AssertionError("raw read " + i + " answered " + call.reply().getLong(0));
                    }
                    catch (final RpcException e)
                    {
                        check(e.status() == Status.SANDBOX_VIOLATION, e.getMessage());
                        check(e.getMessage().contains("protection key"), e.getMessage());
                    }
                }
                final long first = buffer.address() + buffer.length() - buffer.capacity();
                buffer.regions().putLong(first, 77);
                call.request().putLong(8, first);
                call.invoke(16);
                check(call.reply().getLong(0) == 77, "raw read inside the buffer");
            }
            worker.join(300_000);
            if (error.get() != null)
            {
                throw new AssertionError("the honest client failed", error.get());
            }
            check(honest.get() == 100, "honest calls " + honest.get());
        });

        test("hostile_graphs_with_protection_keys", () ->
        {
            final long first = buffer.address() + buffer.length() - buffer.capacity();
            final HostileGraph.Targets targets = new HostileGraph.Targets(victimSecret, secret, 0x7fff_0000_0000L, PAGE, secret);
            final long violations = Mpk.shim().rpcool_sb_counter(0);
            int bad = 0;
            for (int i = 0; i < 3000; i++)
            {
                buffer.regions().setMemory(first, buffer.region().end() - first, (byte)0);
                final HostileGraph g = HostileGraph.build(new SplittableRandom(1000 + i), buffer.region(), first,
                    buffer.regions(), targets);
                final HostileGraph.Outcome want = g.expected();
                HostileGraph.Result got;
                long sum = 0;
                try
                {
                    sum = Sandbox.run(buffer.region(), sb -> new GraphWalker(sb.regions()).sum(g.root()));
                    got = HostileGraph.Result.OK;
                }
                catch (final SandboxViolationException e)
                {
                    got = HostileGraph.Result.VIOLATION;
                }
                catch (final io.rpcool.mem.MalformedStructureException e)
                {
                    got = HostileGraph.Result.MALFORMED;
                }
                catch (final io.rpcool.mem.SharedTypeException e)
                {
                    got = HostileGraph.Result.TYPE;
                }
                if (got != want.result() || sum != want.sum())
                {
                    bad++;
                }
            }
            check(bad == 0, bad + " of 3000 walks differ from the model");
            check(Mpk.shim().rpcool_sb_counter(0) == violations, "the views stopped every hostile read before the hardware saw it");
        });

        test("two_jvms_server_survives_hostile_client", () ->
        {
            try (ChildJvm server = ChildJvm.builder(SandboxServerMain.class)
                .jvmFlags("-Xmx128m", "-XX:-UsePerfData", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"))
                .args(dir.toString(), "/mpk/two").start())
            {
                final String ready = server.awaitLine("READY", 240_000);
                check(ready.endsWith(" true"), "server without protection keys: " + ready);
                try (Connection c = rpc.connect("/mpk/two"); Connection other = rpc.connect("/mpk/two");
                    ClientCall call = c.newCall(SandboxServerMain.RAW_READ))
                {
                    final RpcBuffer b = c.createBuffer(16 * 1024);
                    final long otherSecret = other.heap().allocate(64);
                    HostileGraph.plantSecret(other.heap().regions(), otherSecret);
                    for (int i = 0; i < 10; i++)
                    {
                        call.request().putLong(0, b.address());
                        call.request().putLong(8, otherSecret + 8);
                        try
                        {
                            call.invoke(16);
                            throw new AssertionError("the server read another connection's heap: " + call.reply().getLong(0));
                        }
                        catch (final RpcException e)
                        {
                            check(e.status() == Status.SANDBOX_VIOLATION && e.getMessage().contains("protection key"), e.getMessage());
                        }
                    }
                    call.functionId(SandboxServerMain.STATUS).invoke(0);
                    final String status = call.reply().getStringWithoutLengthAscii(0, call.replyLength());
                    System.out.println("guest-java: server " + status);
                    final java.util.regex.Matcher m = java.util.regex.Pattern.compile("violations (\\d+)").matcher(status);
                    check(m.find() && Long.parseLong(m.group(1)) >= 10, "the server counted the 10 faults: " + status);
                    final long first = b.address() + b.length() - b.capacity();
                    final HostileGraph g = HostileGraph.build(new SplittableRandom(7), b.region(), first, b.regions(),
                        new HostileGraph.Targets(otherSecret, otherSecret, 0x7fff_0000_0000L, PAGE, otherSecret));
                    call.functionId(SandboxServerMain.WALK);
                    call.request().putLong(0, b.address());
                    call.request().putLong(8, g.root());
                    try
                    {
                        call.invoke(16);
                        check(g.expected().result() == HostileGraph.Result.OK && call.reply().getLong(0) == g.expected().sum(),
                            "walk after violations");
                    }
                    catch (final RpcException e)
                    {
                        check(g.expected().result() != HostileGraph.Result.OK, e.getMessage());
                    }
                }
            }
        });

        conn.close();
        victim.close();
        rpc.close();
        finish();
    }

    private static void finish()
    {
        System.out.println("guest-java: " + Sandboxes.status());
        System.out.println("guest-java: suite " + passed + " passed, " + failed + " failed");
        System.out.flush();
        System.exit(failed == 0 && passed > 0 ? 0 : 1);
    }
}
