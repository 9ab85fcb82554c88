package io.rpcool.examples.pingpong;

import io.rpcool.Channel;
import io.rpcool.Rpcool;
import io.rpcool.mem.SharedString;

/**
 * Serves {@link PingPong#CHANNEL}. Starts the daemon inside this process if none runs. Prints
 * {@code READY <tcp port>} once it serves, and exits when its standard input closes.
 */
public final class PingPongServer
{
    private PingPongServer()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        try (Rpcool rpc = Rpcool.launch())
        {
            final Channel channel = rpc.openChannel(PingPong.CHANNEL);
            channel.register(PingPong.HELLO, call -> call.replyLength(call.reply().putStringWithoutLengthAscii(0, "Hello!")));
            channel.register(PingPong.NOOP, call -> { });
            channel.register(PingPong.SHARED_STRING, call ->
            {
                final long text = SharedString.allocate(call.heap(), "Hello from a shared-memory string!");
                System.out.printf("server: string at 0x%x: %s%n", text, SharedString.read(call.heap().regions(), text));
                System.out.flush();
                call.reply().putLong(0, text);
                call.replyLength(8);
            });
            System.out.println("READY " + channel.tcpPort() + (rpc.embeddedDaemon() != null ? " (daemon embedded in this process)" : ""));
            System.out.flush();
            while (System.in.read() >= 0)
            {
                // Serve until the parent closes our input.
            }
        }
    }
}
