package io.rpcool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.rpcool.seal.SealRequirement;

/**
 * Function ids below 256 are looked up in an array, the others in a map: both serve, both are
 * replaced by a new registration, both keep their seal requirement, unknown ids of either kind fail.
 */
class ChannelFunctionTableTest
{
    @Test
    void shouldServeSmallAndLargeFunctionIdsAlike() throws Exception
    {
        try (Rpcool rpc = Rpcool.launch(TestDirs.context(TestDirs.fresh("function-table"))))
        {
            final Channel ch = rpc.openChannel("/functions");
            for (final int id : new int[] {0, 255, 256, 100_000, -7})
            {
                ch.register(id, call ->
                {
                    call.reply().putInt(0, id);
                    call.replyLength(4);
                });
            }
            ch.register(100_000, call ->
            {
                call.reply().putInt(0, 42);
                call.replyLength(4);
            });
            ch.register(300, call -> call.replyLength(0), SealRequirement.SEALED);
            try (Connection conn = rpc.connect("/functions"); ClientCall call = conn.newCall(0))
            {
                for (final int id : new int[] {0, 255, 256, -7})
                {
                    assertEquals(id, call.functionId(id).invoke(0).reply().getInt(0));
                }
                assertEquals(42, call.functionId(100_000).invoke(0).reply().getInt(0), "replaced");
                assertEquals(Status.REJECTED, assertThrows(RpcException.class, () -> call.functionId(300).invoke(0)).status());
                assertEquals(Status.UNKNOWN_FUNCTION, assertThrows(RpcException.class, () -> call.functionId(17).invoke(0)).status());
                assertEquals(Status.UNKNOWN_FUNCTION, assertThrows(RpcException.class, () -> call.functionId(4096).invoke(0)).status());
            }
        }
    }
}
