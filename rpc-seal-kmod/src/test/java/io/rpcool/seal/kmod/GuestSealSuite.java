package io.rpcool.seal.kmod;

import static io.rpcool.seal.kmod.GuestServerMain.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.ClientCall;
import io.rpcool.ConnectOptions;
import io.rpcool.Connection;
import io.rpcool.RawEntries;
import io.rpcool.RpcException;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.Status;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.layout.RequestQueueDescriptor;
import io.rpcool.seal.HeapSeals;
import io.rpcool.seal.MprotectSealBackend;
import io.rpcool.seal.SealException;

/**
 * The Java seal suite run inside the test VM, where the rpcool module is loaded: a server JVM
 * ({@link GuestServerMain}, embedding the daemon) and this JVM as client, with the kernel seal
 * backend end to end. Prints one {@code PASS name} or {@code FAIL name: why} line per test, as the
 * C suite does, and exits 1 if anything failed.
 *
 * <p>args: [server JVM options...]
 */
public final class GuestSealSuite
{
    private static int failures;
    private static int passes;

    private GuestSealSuite()
    {
    }

    interface Check
    {
        void run() throws Exception;
    }

    static void test(final String name, final Check check)
    {
        try
        {
            check.run();
            System.out.println("PASS " + name);
            passes++;
        }
        catch (final Throwable t)
        {
            System.out.println("FAIL " + name + ": " + String.valueOf(t).replace('\n', ' '));
            t.printStackTrace(System.out);
            failures++;
        }
        System.out.flush();
    }

    static void expect(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new AssertionError(what);
        }
    }

    static <T extends Throwable> T expectThrows(final Class<T> type, final Check check)
    {
        try
        {
            check.run();
        }
        catch (final Throwable t)
        {
            if (type.isInstance(t))
            {
                return type.cast(t);
            }
            throw new AssertionError("expected " + type.getSimpleName() + ", got " + t, t);
        }
        throw new AssertionError("expected " + type.getSimpleName() + ", nothing was thrown");
    }

    public static void main(final String[] args) throws Exception
    {
        test("java_kernel_backend_available",
            () -> expect(RpcoolModule.isAvailable(), "unavailable: " + RpcoolModule.unavailabilityCause()));
        if (!RpcoolModule.isAvailable())
        {
            System.exit(1);
        }
        final Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "rpcool-guest-");
        final long started = System.nanoTime();
        try (ChildJvm server = ChildJvm.builder(GuestServerMain.class).jvmFlags("-Xmx256m").jvmFlags(args).args(dir.toString()).start())
        {
            final String ready = server.awaitLine("READY", 180_000);
            System.out.printf("guest: server JVM ready in %.1f s: %s%n", (System.nanoTime() - started) / 1e9, ready);
            final RpcoolContext ctx = new RpcoolContext().directory(dir).daemonMode(RpcoolContext.DaemonMode.EXTERNAL)
                .processName("guest-client").callTimeoutMs(60_000);
            try (Rpcool rpc = Rpcool.launch(ctx))
            {
                run(rpc, Long.parseLong(ready.split(" ")[1]));
            }
        }
        System.out.printf("guest: Java seal suite %d passed, %d failed in %.1f s%n", passes, failures, (System.nanoTime() - started) / 1e9);
        System.exit(failures == 0 ? 0 : 1);
    }

    private static void run(final Rpcool rpc, final long serverPid) throws Exception
    {
        test("java_daemon_picks_kernel_backend", () ->
        {
            expect("kernel".equals(rpc.sealBackend()), "the daemon picked " + rpc.sealBackend());
            final String stat = rpc.stat();
            expect(stat.contains("seal backend: kernel"), stat);
        });

        try (Connection conn = rpc.connect(STRICT_CHANNEL, ConnectOptions.defaults().slots(8)))
        {
            final KernelHeapSeals seals = (KernelHeapSeals)RawEntries.seals(conn);

            test("java_sealed_call_between_two_jvms", () ->
            {
                expect(serverPid != ProcessHandle.current().pid(), "server in another JVM");
                final String stat = rpc.stat();
                expect(stat.contains("kernel heap"), "connection heaps are module-owned: " + stat);
                try (ClientCall call = conn.newCall(ECHO).sealed(true))
                {
                    final int n = call.request().putStringWithoutLengthAscii(0, "sealed hello");
                    call.invoke(n);
                    expect("sealed hello".equals(call.reply().getStringWithoutLengthAscii(0, call.replyLength())), "echo");
                    expect(call.isSealed(), "seal held after the reply");
                    call.releaseSeal();
                    expect(!call.isSealed(), "released");
                    call.functionId(PROTECTION).invoke(0);
                    final String protection = call.reply().getStringWithoutLengthAscii(0, call.replyLength());
                    expect("KERNEL_SEAL".equals(protection), "the handler saw " + protection);
                }
            });

            test("java_sender_ring_is_read_only", () ->
            {
                final String perms = RawEntries.permissionsAt(seals.ring().buffer().addressOffset());
                expect(perms != null && perms.startsWith("r-"), "ring mapped " + perms);
            });

            test("java_unsealed_call_rejected", () ->
            {
                try (ClientCall call = conn.newCall(ECHO))
                {
                    final RpcException e = expectThrows(RpcException.class, () -> call.invoke(4));
                    expect(e.status() == Status.REJECTED, e.getMessage());
                }
            });

            test("java_writes_refused_while_sealed_and_release_before_complete_refused", () ->
            {
                try (ClientCall call = conn.newCall(HOLD).sealed(true))
                {
                    call.request().putInt(0, 3000);
                    final CompletableFuture<ClientCall> f = call.invokeAsync(4);
                    final IllegalStateException honest = expectThrows(IllegalStateException.class, () -> call.request().putInt(0, 1));
                    expect(honest.getMessage().startsWith("buffer sealed"), honest.getMessage());
                    // A write that bypasses the API: the kernel refuses it (here through /proc/self/mem, which does not kill us).
                    expect(!writeThroughProcMem(call.requestAddress(), 0x5a), "the kernel let a write into a sealed page through");
                    final SealException early = expectThrows(SealException.class, call::releaseSeal);
                    expect(early.reason() == SealException.Reason.NOT_COMPLETE, early.getMessage());
                    expect(call.request().getInt(0) == 3000, "request unchanged");
                    f.get(60, TimeUnit.SECONDS);
                    expect("KERNEL_SEAL".equals(call.reply().getStringWithoutLengthAscii(0, call.replyLength())), "handler saw the seal");
                    call.releaseSeal();
                    expect(writeThroughProcMem(call.requestAddress(), 0x5a), "writable again after release");
                    expect(call.request().getByte(0) == 0x5a, "the released page took the write");
                }
            });

            test("java_forged_seal_rejected_and_server_keeps_serving", () ->
            {
                final int slot = 7;
                final int status = RawEntries.publish(conn, slot, ECHO, 4, RequestQueueDescriptor.FLAG_SEALED,
                    0x0000_0042_0000_0003L, RequestQueueDescriptor.SEAL_KIND_KERNEL, 30_000);
                expect(status == Status.REJECTED.code(), "status " + status + ": " + RawEntries.replyMessage(conn, slot));
                expect(RawEntries.replyMessage(conn, slot).contains("does not verify"), RawEntries.replyMessage(conn, slot));
                final int outOfRing = RawEntries.publish(conn, slot, ECHO, 4, RequestQueueDescriptor.FLAG_SEALED,
                    0x0000_0001_7fff_0000L, RequestQueueDescriptor.SEAL_KIND_KERNEL, 30_000);
                expect(outOfRing == Status.REJECTED.code(), "status " + outOfRing);
                try (ClientCall call = conn.newCall(ECHO).sealed(true))
                {
                    call.request().putInt(0, 77);
                    call.invoke(4);
                    expect(call.reply().getInt(0) == 77, "still serving");
                }
            });

            test("java_stolen_seal_rejected", () ->
            {
                try (ClientCall victim = conn.newCall(HOLD).sealed(true))
                {
                    victim.request().putInt(0, 2000);
                    final CompletableFuture<ClientCall> f = victim.invokeAsync(4);
                    final int slot = 6;
                    expect(victim.sealId() != 0, "victim sealed");
                    final int status = RawEntries.publish(conn, slot, ECHO, 4, RequestQueueDescriptor.FLAG_SEALED,
                        victim.sealId(), RequestQueueDescriptor.SEAL_KIND_KERNEL, 30_000);
                    expect(status == Status.REJECTED.code(), "status " + status);
                    expect(RawEntries.replyMessage(conn, slot).contains("not this call's request buffer"),
                        RawEntries.replyMessage(conn, slot));
                    f.get(60, TimeUnit.SECONDS);
                }
            });

            test("java_mprotect_seal_rejected_where_kernel_seals_required", () ->
            {
                final int slot = 5;
                final long address = RawEntries.heapAddress(conn);
                final UnsafeBuffer heap = new UnsafeBuffer(
                    address, (int)(RawEntries.requestOffset(conn, conn.slots() - 1) + conn.bufferSize()));
                final HeapSeals mprotect = MprotectSealBackend.forHeap(address, heap, (int)RawEntries.sealDescriptorsOffset(conn),
                    conn.slots(), RawEntries.heapId(conn), (int)ProcessHandle.current().pid());
                final long sealId = mprotect.seal(RawEntries.requestOffset(conn, slot), 4096);
                final int status = RawEntries.publish(conn, slot, ECHO, 4, RequestQueueDescriptor.FLAG_SEALED,
                    sealId, RequestQueueDescriptor.SEAL_KIND_MPROTECT, 30_000);
                final String message = RawEntries.replyMessage(conn, slot);
                expect(status == Status.REJECTED.code(), "status " + status + ": " + message);
                expect(message.contains("requires kernel-enforced seals"), message);
                mprotect.release(sealId);
            });

            test("java_release_one_early_while_others_wait_for_the_batch", () ->
            {
                final List<ClientCall> calls = new ArrayList<>();
                for (int i = 0; i < 3; i++)
                {
                    final ClientCall c = conn.newCall(ECHO).sealed(true);
                    c.request().putInt(0, i);
                    c.invoke(4);
                    calls.add(c);
                }
                final long held = RpcoolModule.info().seals;
                calls.get(1).releaseSeal();
                expect(!calls.get(1).isSealed() && calls.get(0).isSealed() && calls.get(2).isSealed(), "only one released");
                expect(RpcoolModule.info().seals == held - 1, "module seal count " + RpcoolModule.info().seals + " after " + held);
                for (final ClientCall c : calls)
                {
                    c.releaseSeal();
                    c.close();
                }
            });
        }

        test("java_batched_release_is_one_system_call", () ->
        {
            final int n = 8;
            try (Connection conn = rpc.connect(STRICT_CHANNEL, ConnectOptions.defaults().slots(n).sealReleaseThreshold(n)))
            {
                final long before = RpcoolModule.info().seals;
                final List<ClientCall> calls = new ArrayList<>();
                for (int i = 0; i < n; i++)
                {
                    calls.add(conn.newCall(ECHO).sealed(true));
                }
                for (int i = 0; i < n - 1; i++)
                {
                    calls.get(i).request().putInt(0, i);
                    calls.get(i).invoke(4);
                }
                expect(RpcoolModule.info().seals == before + n - 1,
                    "seals held: " + RpcoolModule.info().seals + " (before " + before + ")");
                expect(RawEntries.batchReleases(conn) == 0, "no batch yet");
                calls.get(n - 1).invoke(4);
                expect(RawEntries.batchReleases(conn) == 1, "batches: " + RawEntries.batchReleases(conn));
                expect(RawEntries.sealsReleasedInBatches(conn) == n, "released in the batch: " + RawEntries.sealsReleasedInBatches(conn));
                expect(RpcoolModule.info().seals == before, "module seals after the batch: " + RpcoolModule.info().seals);
                for (int i = 0; i < n - 1; i++)
                {
                    expect(!calls.get(i).isSealed() && calls.get(i).reply().getInt(0) == i, "call " + i);
                }
                for (final ClientCall c : calls)
                {
                    c.close();
                }
            }
        });

        test("java_sealed_call_within_one_jvm_shares_one_mapping", () ->
        {
            // Client and server in this process: two attachments (sender and receiver rights) of one heap, one mapping.
            final io.rpcool.Channel ch = rpc.openChannel("/guest/in-process",
                io.rpcool.ChannelOptions.defaults().requireSeal(io.rpcool.seal.SealRequirement.KERNEL));
            GuestServerMain.register(ch);
            try (Connection conn = rpc.connect("/guest/in-process"); ClientCall call = conn.newCall(PROTECTION).sealed(true))
            {
                call.invoke(8);
                expect("KERNEL_SEAL".equals(call.reply().getStringWithoutLengthAscii(0, call.replyLength())), "protection");
                call.releaseSeal();
            }
            finally
            {
                ch.close();
            }
        });

        test("java_copy_meets_the_kernel_requirement", () ->
        {
            try (Connection conn = rpc.connect(STRICT_CHANNEL); ClientCall call = conn.newCall(PROTECTION)
                .sealMode(io.rpcool.seal.SealMode.COPY))
            {
                call.invoke(16);
                expect("COPY".equals(call.reply().getStringWithoutLengthAscii(0, call.replyLength())), "protection");
            }
        });
    }

    /**
     * Write one byte at {@code address} of this process through {@code /proc/self/mem} (a
     * {@code FOLL_FORCE} write, as a debugger would).
     *
     * @return false if the kernel refused it.
     */
    static boolean writeThroughProcMem(final long address, final int value)
    {
        try (RandomAccessFile mem = new RandomAccessFile("/proc/self/mem", "rw"))
        {
            mem.seek(address);
            mem.write(value);
            return true;
        }
        catch (final IOException e)
        {
            return false;
        }
    }
}
