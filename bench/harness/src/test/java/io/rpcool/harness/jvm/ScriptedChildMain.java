package io.rpcool.harness.jvm;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A child for {@link ChildJvmTest}: prints {@code READY <pid>}, its arguments, a system property and
 * an environment variable, then obeys stdin, one command a line: {@code say TEXT} prints TEXT,
 * {@code err TEXT} prints it on stderr, {@code exit N} exits with N. At the end of stdin it prints
 * {@code BYE} and exits 0.
 */
public final class ScriptedChildMain
{
    private ScriptedChildMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.println("ARGS " + String.join(" ", args));
        System.out.println("PROP " + System.getProperty("harness.test.property"));
        System.out.println("ENV " + System.getenv("HARNESS_TEST_ENV"));
        System.out.flush();
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null)
        {
            if (line.startsWith("say "))
            {
                System.out.println(line.substring(4));
                System.out.flush();
            }
            else if (line.startsWith("err "))
            {
                System.err.println(line.substring(4));
                System.err.flush();
            }
            else if (line.startsWith("exit "))
            {
                System.exit(Integer.parseInt(line.substring(5)));
            }
        }
        System.out.println("BYE");
        System.out.flush();
    }
}
