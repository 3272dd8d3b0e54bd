package jx;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jx.util.Helper;

/**
 * The child of JmxIT and JfrIT: runs what its stdin says, each command as a root task on a pool,
 * and prints one line per result. It exits when stdin closes.
 * <ul>
 * <li>{@code version}: prints {@code version N}, from the swappable {@code jx.mod.Version};</li>
 * <li>{@code extra}: prints {@code extra <text> <loader>} from {@code ext.Extra}, through
 * {@link UsesExtra}, a shell class loaded only then (the package may have become swappable);</li>
 * <li>{@code gc}: asks for a collection and prints {@code gc}.</li>
 * </ul>
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        System.out.println("ready " + ProcessHandle.current().pid() + " " + Helper.name());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            String command = line.trim();
            try {
                switch (command) {
                    case "version" -> pool.submit(() -> say("version " + jx.mod.Version.get())).get();
                    case "extra" -> pool.submit(() -> say("extra " + UsesExtra.call())).get();
                    case "gc" -> {
                        System.gc();
                        say("gc");
                    }
                    default -> say("unknown " + command);
                }
            } catch (Exception e) {
                say("failed " + command + ": " + e.getCause());
            }
        }
        pool.shutdown();
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
