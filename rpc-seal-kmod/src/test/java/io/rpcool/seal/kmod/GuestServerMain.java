package io.rpcool.seal.kmod;

import java.nio.file.Path;

import io.rpcool.Channel;
import io.rpcool.ChannelOptions;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.seal.SealRequirement;

/**
 * The server JVM of the guest suite: embeds the daemon (which picks the kernel backend when the
 * module is loaded) and serves one channel that requires kernel seals.
 *
 * <p>args: daemon directory [embedded|external]: embed the daemon (default) or use a running one.
 */
public final class GuestServerMain
{
    /** Echo the request. */
    public static final int ECHO = 1;
    /** Reply the name of the call's protection. */
    public static final int PROTECTION = 2;
    /** Sleep the number of milliseconds in the request's first int, then reply the protection. */
    public static final int HOLD = 3;

    public static final String STRICT_CHANNEL = "/guest/kernel-sealed";

    private GuestServerMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RpcoolContext.DaemonMode mode = args.length > 1 && "external".equals(args[1]) ?
            RpcoolContext.DaemonMode.EXTERNAL : RpcoolContext.DaemonMode.EMBEDDED;
        final RpcoolContext ctx = new RpcoolContext().directory(Path.of(args[0])).daemonMode(mode)
            .processName("guest-server").callTimeoutMs(60_000);
        try (Rpcool rpc = Rpcool.launch(ctx))
        {
            register(rpc.openChannel(STRICT_CHANNEL, ChannelOptions.defaults().handlerThreads(2).requireSeal(SealRequirement.KERNEL)));
            System.out.println("READY " + ProcessHandle.current().pid() + " " + rpc.sealBackend());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    static void register(final Channel ch)
    {
        ch.register(ECHO, call ->
        {
            call.reply().putBytes(0, call.request(), 0, call.requestLength());
            call.replyLength(call.requestLength());
        });
        ch.register(PROTECTION, call -> call.replyLength(call.reply().putStringWithoutLengthAscii(0, call.protection().name())));
        ch.register(HOLD, call ->
        {
            Thread.sleep(call.request().getInt(0));
            call.replyLength(call.reply().putStringWithoutLengthAscii(0, call.protection().name()));
        });
    }
}
