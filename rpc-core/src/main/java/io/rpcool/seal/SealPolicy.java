package io.rpcool.seal;

/**
 * Copy or seal? Sealing costs system calls and page-table work per call (a permission change
 * with a TLB shootdown, a release, faults), copying costs in proportion to the length, so small
 * arguments are cheaper to copy into the server's private memory and large ones cheaper to seal.
 *
 * <p>{@link #DEFAULT_COPY_BELOW} is the crossover measured on this project's machine (2-vCPU VM,
 * mprotect backend, round trips between two JVMs with the handler reading the whole request; see
 * the rpc-seal-kmod README, "Measurements"): copying was cheaper at every size up to 512 KiB, the
 * two were even around 512 KiB–1 MiB, and sealing with batched release won from 1 MiB. The
 * paper's figure (about a page) comes from an in-kernel seal on bare metal; it does not hold for
 * mprotect in a VM. The kernel backend could only be run under software emulation here, so its
 * crossover is unmeasured: measure it with {@code SealBench --backend kernel} where the module
 * runs on real hardware. Override per process with {@code rpcool.seal.copyBelow} or per
 * connection with {@code ConnectOptions.copyBelow}.
 */
public final class SealPolicy
{
    /** Requests shorter than this many bytes are copied, longer ones sealed (measured default: 1 MiB). */
    public static final int DEFAULT_COPY_BELOW = 1 << 20;

    private static final int COPY_BELOW = io.rpcool.config.Setting.SEAL_COPY_BELOW.configured() == null ?
        DEFAULT_COPY_BELOW : io.rpcool.config.Setting.SEAL_COPY_BELOW.intValue();

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
