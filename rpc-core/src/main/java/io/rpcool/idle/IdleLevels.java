package io.rpcool.idle;

/**
 * The three waiting modes of the adaptive busy wait, chosen from the host's load.
 */
public final class IdleLevels
{
    /** Load below the spin threshold: busy-poll. */
    public static final int SPIN = 0;
    /** Load between the thresholds: poll, then sleep about 5 µs between polls. */
    public static final int SLEEP = 1;
    /** Load above the sleep threshold: park and let one dedicated thread poll for everyone. */
    public static final int HAND_OFF = 2;

    private IdleLevels()
    {
    }

    public static String name(final int level)
    {
        switch (level)
        {
            case SPIN: return "spin";
            case SLEEP: return "sleep";
            case HAND_OFF: return "hand-off";
            default: return "unknown(" + level + ")";
        }
    }
}
