package io.rpcool.seal;

/**
 * Copy or seal? Sealing costs a fixed price per call (two permission changes, one of them with a
 * TLB shootdown, plus page faults), copying costs in proportion to the length, so small arguments
 * are cheaper to copy into the server's private memory and large ones cheaper to seal.
 *
 * <p>{@link #DEFAULT_COPY_BELOW} is the crossover measured on this project's machine (see the
 * rpc-seal-kmod README, "Measurements"); override it per process with {@code rpcool.seal.copyBelow}
 * or per connection with {@code ConnectOptions.copyBelow}.
 */
public final class SealPolicy
{
    /** Requests shorter than this many bytes are copied, longer ones sealed (measured default). */
    public static final int DEFAULT_COPY_BELOW = 4096;

    private static final int COPY_BELOW = Integer.getInteger("rpcool.seal.copyBelow", DEFAULT_COPY_BELOW);

    private SealPolicy()
    {
    }

    /** The process-wide crossover: {@code rpcool.seal.copyBelow}, else {@link #DEFAULT_COPY_BELOW}. */
    public static int copyBelow()
    {
        return COPY_BELOW;
    }

    /**
     * @return {@link SealMode#COPY} for a request shorter than the crossover, else {@link SealMode#SEAL}.
     */
    public static SealMode copyOrSeal(final int length)
    {
        return copyOrSeal(length, COPY_BELOW);
    }

    public static SealMode copyOrSeal(final int length, final int copyBelow)
    {
        return length < copyBelow ? SealMode.COPY : SealMode.SEAL;
    }
}
