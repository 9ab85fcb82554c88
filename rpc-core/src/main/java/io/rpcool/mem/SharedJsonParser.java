package io.rpcool.mem;

import java.math.BigDecimal;

/**
 * Parses JSON text (RFC 8259) straight into shared-memory nodes for {@link SharedJson#parse(CharSequence)},
 * building through the {@link SharedJson} it is given. Nesting is bounded by the default
 * {@link TraversalLimits}; any error is an {@link IllegalArgumentException} naming the position.
 */
final class SharedJsonParser
{
    private final SharedJson json;
    private final CharSequence text;
    private int position;
    private final StringBuilder sb = new StringBuilder();

    SharedJsonParser(final SharedJson json, final CharSequence text)
    {
        this.json = json;
        this.text = text;
    }

    int position()
    {
        return position;
    }

    IllegalArgumentException error(final String message)
    {
        return new IllegalArgumentException("invalid JSON at " + position + ": " + message);
    }

    void skipWhitespace()
    {
        while (position < text.length())
        {
            final char c = text.charAt(position);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            {
                break;
            }
            position++;
        }
    }

    char peek()
    {
        if (position >= text.length())
        {
            throw error("unexpected end");
        }
        return text.charAt(position);
    }

    void expect(final char c)
    {
        if (peek() != c)
        {
            throw error("expected '" + c + "'");
        }
        position++;
    }

    void literal(final String word)
    {
        for (int i = 0; i < word.length(); i++)
        {
            expect(word.charAt(i));
        }
    }

    long value(final int depth)
    {
        if (depth > TraversalLimits.DEFAULT.maxDepth())
        {
            throw error("nested deeper than " + TraversalLimits.DEFAULT.maxDepth());
        }
        final char c = peek();
        switch (c)
        {
            case '{':
            {
                position++;
                final long object = json.objectNode();
                skipWhitespace();
                if (peek() == '}')
                {
                    position++;
                    return object;
                }
                while (true)
                {
                    skipWhitespace();
                    final String key = string();
                    skipWhitespace();
                    expect(':');
                    skipWhitespace();
                    json.put(object, key, value(depth + 1));
                    skipWhitespace();
                    if (peek() == ',')
                    {
                        position++;
                        continue;
                    }
                    expect('}');
                    return object;
                }
            }
            case '[':
            {
                position++;
                final long array = json.arrayNode();
                skipWhitespace();
                if (peek() == ']')
                {
                    position++;
                    return array;
                }
                while (true)
                {
                    skipWhitespace();
                    json.add(array, value(depth + 1));
                    skipWhitespace();
                    if (peek() == ',')
                    {
                        position++;
                        continue;
                    }
                    expect(']');
                    return array;
                }
            }
            case '"':
                return json.stringNode(string());
            case 't':
                literal("true");
                return json.booleanNode(true);
            case 'f':
                literal("false");
                return json.booleanNode(false);
            case 'n':
                literal("null");
                return json.nullNode();
            default:
                return number();
        }
    }

    String string()
    {
        expect('"');
        sb.setLength(0);
        while (true)
        {
            final char c = peek();
            position++;
            if (c == '"')
            {
                return sb.toString();
            }
            if (c < 0x20)
            {
                throw error("control character in string");
            }
            if (c != '\\')
            {
                sb.append(c);
                continue;
            }
            final char e = peek();
            position++;
            switch (e)
            {
                case '"': sb.append('"'); break;
                case '\\': sb.append('\\'); break;
                case '/': sb.append('/'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'u':
                    if (position + 4 > text.length())
                    {
                        throw error("short unicode escape");
                    }
                    try
                    {
                        sb.append((char)Integer.parseInt(text.subSequence(position, position + 4).toString(), 16));
                    }
                    catch (final NumberFormatException ex)
                    {
                        throw error("bad unicode escape");
                    }
                    position += 4;
                    break;
                default:
                    throw error("bad escape '\\" + e + "'");
            }
        }
    }

    long number()
    {
        final int start = position;
        boolean integral = true;
        if (position < text.length() && text.charAt(position) == '-')
        {
            position++;
        }
        while (position < text.length())
        {
            final char c = text.charAt(position);
            if (c >= '0' && c <= '9')
            {
                position++;
            }
            else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')
            {
                integral = false;
                position++;
            }
            else
            {
                break;
            }
        }
        final String token = text.subSequence(start, position).toString();
        if (token.isEmpty() || token.equals("-") || !token.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?"))
        {
            position = start;
            throw error("unexpected character '" + peek() + "'");
        }
        if (integral)
        {
            try
            {
                return json.longNode(Long.parseLong(token));
            }
            catch (final NumberFormatException ex)
            {
                return json.doubleNode(new BigDecimal(token).doubleValue());
            }
        }
        return json.doubleNode(Double.parseDouble(token));
    }
}
