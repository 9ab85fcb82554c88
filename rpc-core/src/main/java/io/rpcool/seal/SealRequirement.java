package io.rpcool.seal;

/**
 * What a channel or a function requires of the calls it serves. A call that does not meet it gets
 * a {@code REJECTED} reply and its handler does not run. A private copy (a call that asked the
 * server to copy its arguments, or any call over TCP) meets every requirement: no client can
 * change what the handler reads.
 */
public enum SealRequirement
{
    /** Any call. */
    NONE,
    /** Sealed (either kind) or copied. */
    SEALED,
    /** Sealed by the kernel module, or copied; mprotect seals are rejected. */
    KERNEL;

    public boolean isMetBy(final Protection protection)
    {
        switch (this)
        {
            case NONE: return true;
            case SEALED: return protection != Protection.NONE;
            default: return protection.isEnforced();
        }
    }

    /** The stricter of the two. */
    public SealRequirement and(final SealRequirement other)
    {
        return other != null && other.ordinal() > ordinal() ? other : this;
    }
}
