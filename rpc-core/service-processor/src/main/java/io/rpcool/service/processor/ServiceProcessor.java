package io.rpcool.service.processor;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * Generates {@code <Interface>Rpc} for every interface annotated {@code @io.rpcool.service.RpcService}:
 * method ids and signatures as constants, a {@code Stub} (the interface over a connection, with
 * {@code *Async} variants and {@code withDeadlineAfter}) and {@code bind(channel, impl)}. The generated
 * code calls rpc-core's codecs directly; nothing is reflected at run time. Unsupported types are compile
 * errors on the method that uses them.
 */
public final class ServiceProcessor extends AbstractProcessor
{
    static final String RPC_SERVICE = "io.rpcool.service.RpcService";
    private static final String RPC_METHOD = "io.rpcool.service.RpcMethod";
    private static final String SEALED = "io.rpcool.service.Sealed";
    private static final String SANDBOXED = "io.rpcool.service.Sandboxed";

    @Override
    public Set<String> getSupportedAnnotationTypes()
    {
        return Set.of(RPC_SERVICE);
    }

    @Override
    public SourceVersion getSupportedSourceVersion()
    {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(final Set<? extends TypeElement> annotations, final RoundEnvironment round)
    {
        final TypeElement annotation = processingEnv.getElementUtils().getTypeElement(RPC_SERVICE);
        if (annotation == null)
        {
            return false;
        }
        for (final Element e : round.getElementsAnnotatedWith(annotation))
        {
            if (e.getKind() != ElementKind.INTERFACE)
            {
                error(e, "@RpcService goes on an interface");
                continue;
            }
            final TypeElement iface = (TypeElement)e;
            if (!iface.getTypeParameters().isEmpty())
            {
                error(e, "a service interface cannot have type parameters");
                continue;
            }
            final ServiceModel model = model(iface);
            if (model != null)
            {
                write(iface, model);
            }
        }
        return true;
    }

    private ServiceModel model(final TypeElement iface)
    {
        final String serviceName = stringValue(iface, RPC_SERVICE, "name", iface.getQualifiedName().toString());
        final String serviceSeal = sealOf(iface, "NONE");
        final boolean serviceSandboxed = sandboxedOf(iface, false);
        final WireTypes types = new WireTypes(processingEnv.getTypeUtils(), processingEnv.getElementUtils());
        final List<MethodModel> methods = new ArrayList<>();
        boolean ok = true;
        for (final Element m : processingEnv.getElementUtils().getAllMembers(iface))
        {
            if (m.getKind() != ElementKind.METHOD || !m.getModifiers().contains(Modifier.ABSTRACT) ||
                m.getEnclosingElement().getKind() != ElementKind.INTERFACE)
            {
                continue;
            }
            final ExecutableElement method = (ExecutableElement)m;
            try
            {
                methods.add(method(types, method, serviceName, serviceSeal, serviceSandboxed));
            }
            catch (final WireTypes.UnsupportedTypeException ex)
            {
                error(method, "RPCool cannot pass " + ex.getMessage());
                ok = false;
            }
        }
        final Set<String> names = new java.util.HashSet<>();
        for (final MethodModel m : methods)
        {
            names.add(m.javaName);
        }
        for (final MethodModel m : methods)
        {
            m.asyncVariant = !m.async && !names.contains(m.javaName + "Async");
            for (final MethodModel other : methods)
            {
                if (other != m && other.signature.equals(m.signature))
                {
                    error(m.element, "two methods of " + serviceName + " share the signature " + m.signature +
                        "; give one another @RpcMethod(name)");
                    ok = false;
                }
            }
        }
        return ok ? new ServiceModel(serviceName, methods, types) : null;
    }

    private MethodModel method(final WireTypes types, final ExecutableElement method, final String serviceName,
        final String serviceSeal, final boolean serviceSandboxed)
    {
        if (!method.getTypeParameters().isEmpty())
        {
            throw new WireTypes.UnsupportedTypeException("generic methods: " + method.getSimpleName());
        }
        final MethodModel model = new MethodModel(method);
        model.name = stringValue(method, RPC_METHOD, "name", method.getSimpleName().toString());
        model.deadlineMs = longValue(method, RPC_METHOD, "deadlineMs");
        model.seal = sealOf(method, serviceSeal);
        model.sandboxed = sandboxedOf(method, serviceSandboxed);
        TypeMirror result = method.getReturnType();
        if (result.getKind() == TypeKind.DECLARED && "java.util.concurrent.CompletableFuture".equals(
            ((TypeElement)((DeclaredType)result).asElement()).getQualifiedName().toString()))
        {
            model.async = true;
            final List<? extends TypeMirror> args = ((DeclaredType)result).getTypeArguments();
            if (args.size() != 1)
            {
                throw new WireTypes.UnsupportedTypeException("a raw CompletableFuture (give its type argument)");
            }
            result = args.get(0);
            model.resultJava = result.toString();
        }
        final boolean isVoid = result.getKind() == TypeKind.VOID ||
            result.getKind() == TypeKind.DECLARED && result.toString().equals("java.lang.Void");
        model.result = isVoid ? null : types.of(result);
        final List<String> sigs = new ArrayList<>();
        for (final VariableElement p : method.getParameters())
        {
            final WireType t = types.of(p.asType());
            model.params.add(t);
            sigs.add(t.signature);
        }
        model.signature = model.name + "(" + String.join(",", sigs) + ")" + (model.result == null ? "void" : model.result.signature);
        return model;
    }

    private String sealOf(final Element e, final String inherited)
    {
        final AnnotationMirror a = mirror(e, SEALED);
        if (a == null)
        {
            return inherited;
        }
        final AnnotationValue v = value(a, "value");
        return v == null ? "SEALED" : v.getValue().toString();
    }

    private boolean sandboxedOf(final Element e, final boolean inherited)
    {
        final AnnotationMirror a = mirror(e, SANDBOXED);
        if (a == null)
        {
            return inherited;
        }
        final AnnotationValue v = value(a, "value");
        return v == null || (Boolean)v.getValue();
    }

    private String stringValue(final Element e, final String annotation, final String member, final String otherwise)
    {
        final AnnotationMirror a = mirror(e, annotation);
        final AnnotationValue v = a == null ? null : value(a, member);
        return v == null || v.getValue().toString().isEmpty() ? otherwise : v.getValue().toString();
    }

    private long longValue(final Element e, final String annotation, final String member)
    {
        final AnnotationMirror a = mirror(e, annotation);
        final AnnotationValue v = a == null ? null : value(a, member);
        return v == null ? 0L : ((Number)v.getValue()).longValue();
    }

    private static AnnotationMirror mirror(final Element e, final String annotation)
    {
        for (final AnnotationMirror a : e.getAnnotationMirrors())
        {
            if (((TypeElement)a.getAnnotationType().asElement()).getQualifiedName().contentEquals(annotation))
            {
                return a;
            }
        }
        return null;
    }

    private static AnnotationValue value(final AnnotationMirror a, final String member)
    {
        for (final Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : a.getElementValues().entrySet())
        {
            if (e.getKey().getSimpleName().contentEquals(member))
            {
                return e.getValue();
            }
        }
        return null;
    }

    private void write(final TypeElement iface, final ServiceModel model)
    {
        final String pkg = processingEnv.getElementUtils().getPackageOf(iface).getQualifiedName().toString();
        final String className = generatedName(iface);
        final String source = new StubSource(iface.getQualifiedName().toString(), className, pkg, model).generate();
        try
        {
            final JavaFileObject file = processingEnv.getFiler().createSourceFile(
                (pkg.isEmpty() ? "" : pkg + ".") + className, iface);
            try (Writer w = file.openWriter())
            {
                w.write(source);
            }
        }
        catch (final IOException e)
        {
            error(iface, "cannot write " + className + ": " + e);
        }
    }

    /** {@code Greeter} gives {@code GreeterRpc}; a nested {@code Outer.Greeter} gives {@code Outer_GreeterRpc}. */
    static String generatedName(final TypeElement iface)
    {
        String name = iface.getSimpleName().toString();
        Element outer = iface.getEnclosingElement();
        while (outer.getKind() != ElementKind.PACKAGE)
        {
            name = outer.getSimpleName() + "_" + name;
            outer = outer.getEnclosingElement();
        }
        return name + "Rpc";
    }

    private void error(final Element e, final String message)
    {
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, message, e);
    }

    /** A service as the generator sees it. */
    record ServiceModel(String name, List<MethodModel> methods, WireTypes types)
    {
    }

    /** One method as the generator sees it. */
    static final class MethodModel
    {
        final ExecutableElement element;
        final String javaName;
        final List<WireType> params = new ArrayList<>();
        String name;
        String signature;
        String seal;
        boolean sandboxed;
        long deadlineMs;
        boolean async;
        boolean asyncVariant;
        /** Null for void. */
        WireType result;
        /** The future's type argument as the interface spells it, for asynchronous methods. */
        String resultJava;

        MethodModel(final ExecutableElement element)
        {
            this.element = element;
            this.javaName = element.getSimpleName().toString();
        }
    }
}
