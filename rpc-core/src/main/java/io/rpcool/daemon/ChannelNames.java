package io.rpcool.daemon;

/**
 * Channel names are hierarchical, like paths: {@code /shop/cart/v1}. A name is absolute and
 * normalized: no empty, {@code .} or {@code ..} segments, so two spellings never name one channel.
 */
public final class ChannelNames
{
    public static final int MAX_LENGTH = 256;

    private ChannelNames()
    {
    }

    /**
     * @return null if {@code name} is valid, else what is wrong with it.
     */
    public static String validate(final String name)
    {
        if (name == null || name.isEmpty())
        {
            return "channel name is empty";
        }
        if (name.length() > MAX_LENGTH)
        {
            return "channel name longer than " + MAX_LENGTH + " characters";
        }
        if (name.charAt(0) != '/' || name.endsWith("/") || name.contains("//"))
        {
            return "channel name must look like /a/b/c (absolute, no empty segments): " + name;
        }
        for (final String segment : name.substring(1).split("/"))
        {
            if (segment.equals(".") || segment.equals(".."))
            {
                return "channel name may not have '.' or '..' segments: " + name;
            }
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '/' || c == '-' || c == '_' || c == '.'))
            {
                return "channel name may hold letters, digits, '/', '-', '_' and '.': " + name;
            }
        }
        return null;
    }
}
