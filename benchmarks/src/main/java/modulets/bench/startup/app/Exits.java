package modulets.bench.startup.app;

import java.util.concurrent.TimeUnit;

import modulets.bench.startup.swap.Greeting;
import modulets.bench.startup.swap.Version;

/**
 * The application of the exit figure ({@code benchmarks/exit}): what {@link OneThread} does, then
 * optionally a deploy and a longer life, then its last act, timed from outside. Arguments:
 * {@code live=MS} lives that long from {@code main} before exiting (so that the agent's delayed work has
 * run); {@code deploy} prints {@code deploy}, and waits until a thread started after that runs
 * generation 2 (the parent renames it into the modules directory); {@code exit} ends with
 * {@code System.exit(0)} instead of returning from {@code main}. Before its last act it prints
 * {@code exit} and waits for one line on standard input: the parent samples the process's CPU time
 * there and times the exit from its answer to the process's end.
 */
public final class Exits {
    private Exits() {
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        long live = 0;
        boolean exit = false;
        boolean deploy = false;
        for (String arg : args) {
            if (arg.startsWith("live=")) {
                live = Long.parseLong(arg.substring(5));
            } else if (arg.equals("exit")) {
                exit = true;
            } else if (arg.equals("deploy")) {
                deploy = true;
            } else {
                throw new IllegalArgumentException("usage: [live=MS] [deploy] [exit]");
            }
        }
        TtlContext.holdIfTtl();
        System.out.println(run(Greeting::text));
        if (deploy) {
            System.out.println("deploy");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!run(Version::of).equals("2")) {
                if (System.nanoTime() - until > 0) {
                    throw new IllegalStateException("generation 2 did not arrive in 60 s");
                }
                Thread.sleep(10);
            }
            System.out.println("generation 2");
        }
        long left = live - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (left > 0) {
            Thread.sleep(left);
        }
        System.out.println("exit");
        System.out.flush();
        System.in.read(); // the parent's answer (or the end of the input)
        if (exit) {
            System.exit(0);
        }
    }

    private interface Call {
        String call() throws Exception;
    }

    /** Calls swappable code in a new thread (a new task: after a deploy it runs the new generation). */
    private static String run(Call call) throws Exception {
        String[] result = new String[1];
        Exception[] failure = new Exception[1];
        Thread thread = new Thread(() -> {
            try {
                result[0] = call.call();
            } catch (Exception e) {
                failure[0] = e;
            }
        });
        thread.start();
        thread.join();
        if (failure[0] != null) {
            throw failure[0];
        }
        return result[0];
    }
}
