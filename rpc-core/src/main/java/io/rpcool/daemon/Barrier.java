package io.rpcool.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Waits for {@code count} arrivals (null: fine; else a problem), then runs {@code then} with the problems. */
final class Barrier
{
    private final List<String> problems = new ArrayList<>();
    private final Consumer<List<String>> then;
    private int outstanding;

    Barrier(final int count, final Consumer<List<String>> then)
    {
        this.outstanding = count;
        this.then = then;
        if (count == 0)
        {
            then.accept(problems);
        }
    }

    void arrive(final String problem)
    {
        if (problem != null)
        {
            problems.add(problem);
        }
        if (--outstanding == 0)
        {
            then.accept(problems);
        }
    }
}
