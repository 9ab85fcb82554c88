package io.rpcool.service.processor;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.lang.model.element.VariableElement;

/**
 * The source of one generated {@code <Interface>Rpc} class: method constants, {@code stub},
 * {@code bind}, the {@code Stub} class and the codec methods.
 */
final class StubSource
{
    private final String iface;
    private final String className;
    private final String pkg;
    private final ServiceProcessor.ServiceModel model;
    private final StringBuilder out = new StringBuilder();
    private final String[] constants;

    StubSource(final String iface, final String className, final String pkg, final ServiceProcessor.ServiceModel model)
    {
        this.iface = iface;
        this.className = className;
        this.pkg = pkg;
        this.model = model;
        this.constants = new String[model.methods().size()];
        final Set<String> taken = new HashSet<>(Set.of("SERVICE"));
        for (int i = 0; i < constants.length; i++)
        {
            final String base = model.methods().get(i).javaName.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
            String name = base;
            for (int n = 2; !taken.add(name); n++)
            {
                name = base + "_" + n;
            }
            constants[i] = name;
        }
    }

    String generate()
    {
        final List<ServiceProcessor.MethodModel> methods = model.methods();
        if (!pkg.isEmpty())
        {
            out.append("package ").append(pkg).append(";\n\n");
        }
        out.append("import java.util.concurrent.CompletableFuture;\nimport java.util.concurrent.TimeUnit;\n\n")
            .append("import io.rpcool.Channel;\nimport io.rpcool.ClientCall;\nimport io.rpcool.Connection;\n")
            .append("import io.rpcool.seal.SealRequirement;\nimport io.rpcool.service.MalformedMessageException;\n")
            .append("import io.rpcool.service.ServiceClient;\nimport io.rpcool.service.ServiceDefinition;\n")
            .append("import io.rpcool.service.ServiceMethod;\nimport io.rpcool.service.ServiceReader;\n")
            .append("import io.rpcool.service.ServiceServer;\nimport io.rpcool.service.ServiceWriter;\n\n")
            .append("/**\n * Typed RPCool stubs and dispatchers of {@link ").append(iface).append("}, service \"")
            .append(escape(model.name())).append("\".\n */\n")
            .append("@javax.annotation.processing.Generated(\"io.rpcool.service.processor.ServiceProcessor\")\n")
            .append("public final class ").append(className).append("\n{\n");
        for (int i = 0; i < methods.size(); i++)
        {
            final ServiceProcessor.MethodModel m = methods.get(i);
            out.append("    /** {@code ").append(escape(m.signature)).append("}. */\n")
                .append("    public static final ServiceMethod ").append(constants[i]).append(" = new ServiceMethod(\"")
                .append(escape(model.name())).append("\", \"").append(escape(m.name)).append("\",\n        \"")
                .append(escape(m.signature)).append("\",\n        SealRequirement.").append(m.seal).append(", ")
                .append(m.sandboxed).append(", ").append(m.deadlineMs).append("L, ").append(usesShared(m)).append(");\n");
        }
        out.append("    public static final ServiceDefinition SERVICE = new ServiceDefinition(\"").append(escape(model.name())).append('"');
        for (final String c : constants)
        {
            out.append(", ").append(c);
        }
        out.append(");\n\n    private ").append(className).append("()\n    {\n    }\n\n");
        stubFactory();
        bind(methods);
        stubClass(methods);
        for (int i = 0; i < methods.size(); i++)
        {
            final ServiceProcessor.MethodModel m = methods.get(i);
            if (m.async || m.asyncVariant)
            {
                out.append("    private static ").append(boxedResult(m)).append(" result").append(i)
                    .append("(final ServiceReader in)\n    {\n        return ")
                    .append(m.result == null ? "null" : model.types().decode(m.result)).append(";\n    }\n\n");
            }
        }
        out.append(model.types().codecs());
        out.setLength(out.length() - 1);
        out.append("}\n");
        return out.toString();
    }

    private void stubFactory()
    {
        out.append("    /**\n     * A stub of the service over {@code connection}, after checking that its server serves every method\n")
            .append("     * as this interface declares it.\n     *\n")
            .append("     * @throws io.rpcool.RpcException {@code UNKNOWN_FUNCTION} naming each method the server does not serve.\n")
            .append("     */\n    public static Stub stub(final Connection connection)\n    {\n")
            .append("        final Stub stub = new Stub(connection, 0L);\n        stub.check();\n        return stub;\n    }\n\n");
    }

    private void bind(final List<ServiceProcessor.MethodModel> methods)
    {
        out.append("    /** Serve {@code impl} on {@code channel}. */\n    public static Channel bind(final Channel channel, final ")
            .append(iface).append(" impl)\n    {\n        return ServiceServer.bind(channel, SERVICE");
        for (final ServiceProcessor.MethodModel m : methods)
        {
            out.append(",\n            (in, out) ->\n            {\n");
            final StringBuilder args = new StringBuilder();
            for (int p = 0; p < m.params.size(); p++)
            {
                out.append("                final ").append(m.params.get(p).javaName).append(" a").append(p).append(" = ")
                    .append(model.types().decode(m.params.get(p))).append(";\n");
                args.append(p == 0 ? "" : ", ").append('a').append(p);
            }
            out.append("                in.expectEnd();\n");
            String call = "impl." + m.javaName + "(" + args + ")";
            if (m.async)
            {
                call = "ServiceServer.await(" + call + ")";
            }
            if (m.result == null)
            {
                out.append("                ").append(call).append(";\n");
            }
            else
            {
                out.append("                final ").append(m.result.javaName).append(" r = ").append(call).append(";\n")
                    .append("                ").append(model.types().encode(m.result, "r")).append('\n');
            }
            out.append("            }");
        }
        out.append(");\n    }\n\n");
    }

    private void stubClass(final List<ServiceProcessor.MethodModel> methods)
    {
        out.append("    /** The client side: the interface over a connection, each call with its deadline. */\n")
            .append("    public static final class Stub extends ServiceClient implements ").append(iface).append("\n    {\n")
            .append("        Stub(final Connection connection, final long timeoutNs)\n        {\n")
            .append("            super(connection, SERVICE, timeoutNs);\n        }\n\n")
            .append("        void check()\n        {\n            verify();\n        }\n\n")
            .append("        /** This stub with every call's deadline {@code timeout} after it starts (within a handler's). */\n")
            .append("        public Stub withDeadlineAfter(final long timeout, final TimeUnit unit)\n        {\n")
            .append("            return new Stub(connection, unit.toNanos(timeout));\n        }\n");
        for (int i = 0; i < methods.size(); i++)
        {
            final ServiceProcessor.MethodModel m = methods.get(i);
            if (m.async)
            {
                asyncMethod(m, i, m.javaName, true);
            }
            else
            {
                syncMethod(m, i);
                if (m.asyncVariant)
                {
                    asyncMethod(m, i, m.javaName + "Async", false);
                }
            }
        }
        out.append("    }\n\n");
    }

    private String params(final ServiceProcessor.MethodModel m)
    {
        final StringBuilder p = new StringBuilder();
        int i = 0;
        for (final VariableElement v : m.element.getParameters())
        {
            p.append(i == 0 ? "" : ", ").append("final ").append(v.asType()).append(" a").append(i);
            i++;
        }
        return p.toString();
    }

    private void writeArgs(final ServiceProcessor.MethodModel m, final String indent)
    {
        for (int p = 0; p < m.params.size(); p++)
        {
            out.append(indent).append(model.types().encode(m.params.get(p), "a" + p)).append('\n');
        }
    }

    private void syncMethod(final ServiceProcessor.MethodModel m, final int i)
    {
        final String c = constants[i];
        out.append("\n        @Override\n        public ").append(m.element.getReturnType()).append(' ').append(m.javaName)
            .append('(').append(params(m)).append(")\n        {\n")
            .append("            final ClientCall call = begin(").append(c).append(");\n")
            .append("            try\n            {\n")
            .append("                final ServiceWriter out = writer(call, ").append(c).append(");\n");
        writeArgs(m, "                ");
        out.append("                final ServiceReader in = invoke(call, ").append(c).append(", out);\n")
            .append("                try\n                {\n");
        if (m.result == null)
        {
            out.append("                    in.expectEnd();\n");
        }
        else
        {
            out.append("                    final ").append(m.result.javaName).append(" r = ").append(model.types().decode(m.result))
                .append(";\n                    in.expectEnd();\n                    return r;\n");
        }
        out.append("                }\n                catch (final MalformedMessageException e)\n                {\n")
            .append("                    throw malformedReply(").append(c).append(", e);\n                }\n")
            .append("                finally\n                {\n                    release(in);\n                }\n")
            .append("            }\n            finally\n            {\n                call.close();\n            }\n        }\n");
    }

    private void asyncMethod(final ServiceProcessor.MethodModel m, final int i, final String name, final boolean override)
    {
        final String c = constants[i];
        out.append('\n').append(override ? "        @Override\n" : "").append("        public CompletableFuture<")
            .append(boxedResult(m)).append("> ").append(name).append('(').append(params(m)).append(")\n        {\n")
            .append("            final ClientCall call = begin(").append(c).append(");\n")
            .append("            final ServiceWriter out;\n            try\n            {\n")
            .append("                out = writer(call, ").append(c).append(");\n");
        writeArgs(m, "                ");
        out.append("            }\n            catch (final RuntimeException e)\n            {\n")
            .append("                call.close();\n                throw e;\n            }\n")
            .append("            return invokeAsync(call, ").append(c).append(", out, ").append(className).append("::result").append(i)
            .append(");\n        }\n");
    }

    private static String boxedResult(final ServiceProcessor.MethodModel m)
    {
        if (m.resultJava != null)
        {
            return m.resultJava;
        }
        if (m.result == null)
        {
            return "java.lang.Void";
        }
        if (m.result.kind == WireType.Kind.PRIMITIVE)
        {
            switch (m.result.primitive)
            {
                case "int":
                    return "java.lang.Integer";
                case "char":
                    return "java.lang.Character";
                default:
                    return "java.lang." + WireType.suffix(m.result.primitive);
            }
        }
        return m.result.javaName;
    }

    private static boolean usesShared(final ServiceProcessor.MethodModel m)
    {
        if (m.result != null && m.result.usesSharedMemory())
        {
            return true;
        }
        for (final WireType t : m.params)
        {
            if (t.usesSharedMemory())
            {
                return true;
            }
        }
        return false;
    }

    private static String escape(final String s)
    {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
