package io.rpcool.harness.jvm;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags every JVM that runs this project's code needs, whatever else it is given:
 * <ul>
 *   <li>{@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}: Agrona 2.x reaches
 *   {@code jdk.internal.misc} (its {@code UnsafeApi}); without the export the first buffer access fails;</li>
 *   <li>{@code --enable-native-access=ALL-UNNAMED}: jnr-ffi loads its native stub with
 *   {@code System.load}, a restricted method that JDK 24 and later warn about on stderr unless native
 *   access is enabled (JEP 472); JDK 17 already knows the option;</li>
 *   <li>{@code --sun-misc-unsafe-memory-access=allow}, on JDK 24 and later only (the option does not
 *   exist before): Agrona and Netty use {@code sun.misc.Unsafe}'s memory access methods, which JDK 24
 *   warns about by default (JEP 498).</li>
 * </ul>
 * The {@code rpcool} launcher script adds the same flags to the JVMs it starts.
 */
public final class JvmFlags
{
    /**
     * First JDK feature release that knows {@code --sun-misc-unsafe-memory-access}.
     */
    public static final int UNSAFE_MEMORY_ACCESS_OPTION_SINCE = 24;

    private JvmFlags()
    {
    }

    /**
     * @return the required flags for a JVM of the running JDK's feature release.
     */
    public static List<String> required()
    {
        return required(Runtime.version().feature());
    }

    /**
     * @param featureRelease  feature release of the JDK that will run the flags, e.g. 17 or 25.
     * @return the required flags for that release.
     */
    public static List<String> required(final int featureRelease)
    {
        final List<String> flags = new ArrayList<>(4);
        flags.add("--add-exports");
        flags.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        flags.add("--enable-native-access=ALL-UNNAMED");
        if (featureRelease >= UNSAFE_MEMORY_ACCESS_OPTION_SINCE)
        {
            flags.add("--sun-misc-unsafe-memory-access=allow");
        }
        return List.copyOf(flags);
    }
}
