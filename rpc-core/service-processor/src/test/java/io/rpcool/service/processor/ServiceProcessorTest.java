package io.rpcool.service.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.rpcool.service.ServiceMethod;

/** The processor on its own: what it refuses, and what makes two interfaces' ids differ. */
class ServiceProcessorTest
{
    @TempDir
    Path dir;

    /** Compile {@code source} (class {@code p.S}) with the processor; the errors, and the generated source if any. */
    private Result compile(final String source) throws IOException
    {
        final Path src = dir.resolve("src-" + System.nanoTime());
        final Path out = dir.resolve("out-" + System.nanoTime());
        Files.createDirectories(src.resolve("p"));
        Files.createDirectories(out);
        Files.writeString(src.resolve("p/S.java"), source);
        final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        final DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null))
        {
            final List<String> options = List.of("-d", out.toString(), "-s", out.toString(), "-classpath",
                System.getProperty("java.class.path"), "-processor", ServiceProcessor.class.getName());
            final boolean ok = javac.getTask(null, files, diagnostics, options, null,
                files.getJavaFileObjects(src.resolve("p/S.java"))).call();
            final List<String> errors = new ArrayList<>();
            for (final Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics())
            {
                if (d.getKind() == Diagnostic.Kind.ERROR)
                {
                    errors.add(d.getMessage(Locale.ROOT));
                }
            }
            final Path generated = out.resolve("p/SRpc.java");
            return new Result(ok, errors, Files.exists(generated) ? Files.readString(generated) : null);
        }
    }

    private record Result(boolean ok, List<String> errors, String generated)
    {
    }

    @Test
    void shouldRefuseTypesThatCannotTravelNamingTheMethod() throws IOException
    {
        final Result r = compile("package p;\n@io.rpcool.service.RpcService\npublic interface S {\n" +
            "    int ok(int a);\n    Object anything(Object o);\n    int arrays(int[] a);\n    <T> T generic(T t);\n}\n");
        assertFalse(r.ok());
        assertTrue(r.errors().stream().anyMatch(e -> e.contains("RPCool cannot pass java.lang.Object")), r.errors().toString());
        assertTrue(r.errors().stream().anyMatch(e -> e.contains("only byte[] is supported")), r.errors().toString());
        assertTrue(r.errors().stream().anyMatch(e -> e.contains("generic methods")), r.errors().toString());
        assertEquals(null, r.generated());
    }

    @Test
    void shouldGenerateCodeThatCompilesForEveryKindOfType() throws IOException
    {
        final Result r = compile("package p;\nimport java.util.*;\nimport java.util.concurrent.CompletableFuture;\n" +
            "import io.rpcool.mem.*;\n@io.rpcool.service.RpcService\npublic interface S {\n" +
            "    enum E { A, B }\n" +
            "    record Inner(SharedString text, SharedLongVector numbers, E e, Character c, Boolean b) {}\n" +
            "    record Outer(List<Map<String, byte[]>> blobs, Map<Long, List<Inner>> inners, Short s, Byte y, Float f) {}\n" +
            "    Outer get(Outer o, Inner i, SharedStringMap map, SharedJsonNode json, RpcBuffer buffer);\n" +
            "    char letter(short s, byte b, float f, double d, boolean z);\n" +
            "    CompletableFuture<Void> later(List<E> es);\n" +
            "    CompletableFuture<Map<String, Integer>> counts();\n" +
            "    void get(int overload);\n" +
            "}\n");
        assertTrue(r.ok(), r.errors().toString());
        assertTrue(r.generated().contains("public CompletableFuture<java.lang.Character> letterAsync("),
            r.generated());
        assertTrue(r.generated().contains("GET_2"), "overloads get constants of their own");
    }

    @Test
    void shouldGiveDifferentIdsWhenARecordComponentChanges() throws IOException
    {
        final String v1 = compile("package p;\n@io.rpcool.service.RpcService(name = \"svc\")\npublic interface S {\n" +
            "    record P(int x, String y) {}\n    P get(P p);\n}\n").generated();
        final String v2 = compile("package p;\n@io.rpcool.service.RpcService(name = \"svc\")\npublic interface S {\n" +
            "    record P(long x, String y) {}\n    P get(P p);\n}\n").generated();
        final String s1 = signature(v1);
        final String s2 = signature(v2);
        assertEquals("get(p.S.P{x:int,y:java.lang.String})p.S.P{x:int,y:java.lang.String}", s1);
        assertNotEquals(ServiceMethod.id("svc", s1), ServiceMethod.id("svc", s2));
    }

    @Test
    void shouldKeepMethodIdsStableAcrossReleases()
    {
        // Ids are a wire contract: a change here makes old clients and new servers refuse each other.
        // FNV-1a 64 of "test.Catalog/add(int,int)int", folded, sign bit set (checked independently).
        assertEquals(0xb9b1a7a4, ServiceMethod.id("test.Catalog", "add(int,int)int"));
        assertTrue(ServiceMethod.id("a", "b()void") < 0, "typed ids have the sign bit set, clear of raw handlers' small ids");
    }

    private static String signature(final String generated)
    {
        final Matcher m = Pattern.compile("new ServiceMethod\\(\"svc\", \"get\",\\s+\"([^\"]+)\"").matcher(generated);
        assertTrue(m.find(), generated);
        return m.group(1);
    }
}
