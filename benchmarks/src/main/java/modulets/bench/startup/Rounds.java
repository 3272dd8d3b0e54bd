package modulets.bench.startup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import modulets.bench.Compare;

/**
 * What the whole-process figures share: their command line ({@code [--runs N] [--setups none,modulets,ttl]}) and
 * their rounds, one uncounted run of each setup first (file cache, the agent's store), then {@code runs} rounds, each
 * running every setup in a rotated order, so that no setup always runs first and a drifting load shifts both sides
 * of a round alike.
 */
record Rounds(int runs, List<String> setups) {
    /** One run of a setup; its figures. */
    interface Run<F> {
        F of(String setup) throws Exception;
    }

    static Rounds parse(String[] args, int defaultRuns) {
        int runs = defaultRuns;
        List<String> setups = Compare.SETUPS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--setups" -> setups = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("usage: [--runs " + defaultRuns
                        + "] [--setups none,modulets,ttl]");
            }
        }
        return new Rounds(runs, setups);
    }

    /** Per setup, in the order given, its runs' figures by round. */
    <F> Map<String, List<F>> run(Run<F> run) throws Exception {
        for (String setup : setups) {
            run.of(setup); // uncounted
        }
        Map<String, List<F>> samples = new LinkedHashMap<>();
        setups.forEach(s -> samples.put(s, new ArrayList<>(runs)));
        for (int i = 0; i < runs; i++) {
            for (int k = 0; k < setups.size(); k++) {
                String setup = setups.get((i + k) % setups.size());
                samples.get(setup).add(run.of(setup));
            }
        }
        return samples;
    }
}
