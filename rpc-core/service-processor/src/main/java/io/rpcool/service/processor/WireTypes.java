package io.rpcool.service.processor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Classifies the types of a service's methods ({@link WireType}) and writes the codec methods generated code
 * calls: one {@code encN}/{@code decN} pair per type that is not a primitive, a string or a {@code byte[]}.
 */
final class WireTypes
{
    /** The shared containers of rpc-core that travel by reference, besides subclasses of {@code SharedStruct}. */
    private static final Set<String> SHARED = Set.of("io.rpcool.mem.SharedString", "io.rpcool.mem.SharedStringMap",
        "io.rpcool.mem.SharedLongVector", "io.rpcool.mem.SharedPointerVector", "io.rpcool.mem.SharedJsonNode");
    private static final String SHARED_STRUCT = "io.rpcool.mem.SharedStruct";
    /** An RPC buffer travels by reference too; as a sandboxed method's first argument it is the sandbox's region. */
    static final String RPC_BUFFER = "io.rpcool.mem.RpcBuffer";
    private static final Map<String, String> BOXES = Map.of("java.lang.Boolean", "boolean", "java.lang.Byte", "byte",
        "java.lang.Short", "short", "java.lang.Character", "char", "java.lang.Integer", "int", "java.lang.Long", "long",
        "java.lang.Float", "float", "java.lang.Double", "double");

    private final Types types;
    private final Elements elements;
    private final Map<String, WireType> declared = new HashMap<>();
    private final Map<String, Integer> codecIndex = new HashMap<>();
    private final StringBuilder codecs = new StringBuilder();

    WireTypes(final Types types, final Elements elements)
    {
        this.types = types;
        this.elements = elements;
    }

    /**
     * The wire type of {@code mirror}.
     *
     * @throws UnsupportedTypeException naming the type if it cannot travel.
     */
    WireType of(final TypeMirror mirror)
    {
        if (mirror.getKind().isPrimitive())
        {
            final String name = mirror.getKind().name().toLowerCase(java.util.Locale.ROOT);
            final WireType t = new WireType(WireType.Kind.PRIMITIVE, name, name);
            t.signature = name;
            return t;
        }
        if (mirror.getKind() == TypeKind.ARRAY)
        {
            if (((ArrayType)mirror).getComponentType().getKind() == TypeKind.BYTE)
            {
                final WireType t = new WireType(WireType.Kind.BYTES, "byte[]", null);
                t.signature = "byte[]";
                return t;
            }
            throw new UnsupportedTypeException(mirror + ": of arrays only byte[] is supported; use a List");
        }
        if (mirror.getKind() != TypeKind.DECLARED)
        {
            throw new UnsupportedTypeException(mirror + " (type variables and wildcards cannot travel)");
        }
        final DeclaredType type = (DeclaredType)mirror;
        final TypeElement element = (TypeElement)type.asElement();
        final String name = element.getQualifiedName().toString();
        if (BOXES.containsKey(name))
        {
            final WireType t = new WireType(WireType.Kind.BOX, name, BOXES.get(name));
            t.signature = name;
            return t;
        }
        switch (name)
        {
            case "java.lang.String":
                final WireType s = new WireType(WireType.Kind.STRING, name, null);
                s.signature = name;
                return s;
            case "java.util.List":
                return generic(WireType.Kind.LIST, type, "java.util.List");
            case "java.util.Map":
                return generic(WireType.Kind.MAP, type, "java.util.Map");
            default:
                break;
        }
        if (SHARED.contains(name) || RPC_BUFFER.equals(name) || isSharedStruct(element))
        {
            if (!RPC_BUFFER.equals(name) && !hasPublicNoArgConstructor(element))
            {
                throw new UnsupportedTypeException(name + ": a shared container needs a public no-argument constructor");
            }
            final WireType t = new WireType(WireType.Kind.SHARED, name, null);
            t.signature = "&" + name;
            return t;
        }
        if (element.getKind() == ElementKind.ENUM)
        {
            return enumType(element, name);
        }
        if (element.getKind() == ElementKind.RECORD)
        {
            return record(element, name);
        }
        throw new UnsupportedTypeException(name + ": methods take and return records, enums, String, primitives and their boxes, " +
            "byte[], List, Map and shared containers");
    }

    private WireType generic(final WireType.Kind kind, final DeclaredType type, final String raw)
    {
        final List<WireType> args = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        final List<String> signatures = new ArrayList<>();
        for (final TypeMirror a : type.getTypeArguments())
        {
            final WireType t = of(a);
            if (t.kind == WireType.Kind.PRIMITIVE)
            {
                throw new UnsupportedTypeException(type.toString());
            }
            args.add(t);
            names.add(t.javaName);
            signatures.add(t.signature);
        }
        if (args.size() != (kind == WireType.Kind.LIST ? 1 : 2))
        {
            throw new UnsupportedTypeException(type + ": raw " + raw + " (give its type arguments)");
        }
        final WireType t = new WireType(kind, raw + "<" + String.join(", ", names) + ">", null);
        t.arguments.addAll(args);
        t.signature = raw + "<" + String.join(",", signatures) + ">";
        return t;
    }

    private WireType enumType(final TypeElement element, final String name)
    {
        final WireType t = new WireType(WireType.Kind.ENUM, name, null);
        for (final Element e : element.getEnclosedElements())
        {
            if (e.getKind() == ElementKind.ENUM_CONSTANT)
            {
                t.constants.add(e.getSimpleName().toString());
            }
        }
        t.signature = name + "[" + String.join(",", t.constants) + "]";
        return t;
    }

    private WireType record(final TypeElement element, final String name)
    {
        final WireType known = declared.get(name);
        if (known != null)
        {
            return known;
        }
        if (!element.getTypeParameters().isEmpty())
        {
            throw new UnsupportedTypeException(name + ": generic records cannot travel");
        }
        final WireType t = new WireType(WireType.Kind.RECORD, name, null);
        // A record that contains itself (a tree) refers to itself by name inside its own signature.
        t.signature = "^" + name;
        declared.put(name, t);
        final List<String> parts = new ArrayList<>();
        for (final RecordComponentElement c : element.getRecordComponents())
        {
            final WireType ct = of(c.asType());
            t.components.add(new WireType.Component(c.getSimpleName().toString(), ct));
            parts.add(c.getSimpleName() + ":" + ct.signature);
        }
        t.signature = name + "{" + String.join(",", parts) + "}";
        return t;
    }

    private boolean isSharedStruct(final TypeElement element)
    {
        final TypeElement struct = elements.getTypeElement(SHARED_STRUCT);
        return struct != null && types.isSubtype(types.erasure(element.asType()), types.erasure(struct.asType()));
    }

    private static boolean hasPublicNoArgConstructor(final TypeElement element)
    {
        for (final var c : ElementFilter.constructorsIn(element.getEnclosedElements()))
        {
            if (c.getParameters().isEmpty() && c.getModifiers().contains(Modifier.PUBLIC))
            {
                return true;
            }
        }
        return false;
    }

    /** A statement writing {@code expr} of type {@code t} to {@code out}. */
    String encode(final WireType t, final String expr)
    {
        switch (t.kind)
        {
            case PRIMITIVE:
                return "out.write" + WireType.suffix(t.primitive) + "(" + expr + ");";
            case STRING:
                return "out.writeString(" + expr + ");";
            case BYTES:
                return "out.writeBytes(" + expr + ");";
            default:
                return "enc" + codec(t) + "(out, " + expr + ");";
        }
    }

    /** An expression reading a value of {@code t} from {@code in}. */
    String decode(final WireType t)
    {
        switch (t.kind)
        {
            case PRIMITIVE:
                return "in.read" + WireType.suffix(t.primitive) + "()";
            case STRING:
                return "in.readString()";
            case BYTES:
                return "in.readBytes()";
            default:
                return "dec" + codec(t) + "(in)";
        }
    }

    /** The generated codec methods, in the order they were needed. */
    String codecs()
    {
        return codecs.toString();
    }

    private int codec(final WireType t)
    {
        final Integer known = codecIndex.get(t.signature);
        if (known != null)
        {
            return known;
        }
        final int n = codecIndex.size();
        codecIndex.put(t.signature, n);
        final String enc = "    private static void enc" + n + "(final ServiceWriter out, final " + t.javaName + " v)\n    {\n";
        final String dec = "    private static " + t.javaName + " dec" + n + "(final ServiceReader in)\n    {\n";
        final String[] bodies = CodecBodies.of(this, t, n);
        codecs.append(enc).append(bodies[0]).append("    }\n\n").append(dec).append(bodies[1]).append("    }\n\n");
        if (bodies[2] != null)
        {
            codecs.append(bodies[2]);
        }
        return n;
    }

    /** A type that cannot travel. */
    static final class UnsupportedTypeException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        UnsupportedTypeException(final String message)
        {
            super(message);
        }
    }
}
