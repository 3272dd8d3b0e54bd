import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The conformance harness's verdict (conformance/run runs it as a source file): reads the console
 * launcher's XML reports of each run and compares the sets of failed tests.
 *
 * <pre>
 * Verdict new-failure-classes RUNS_DIR     classes of tests that failed with three swaps but not without the agent
 * Verdict table RUNS_ROOT QUICK OUT.md     the table of every suite and JDK under RUNS_ROOT/SUITE/JDK
 * </pre>
 */
public final class Verdict {

    private static final Pattern REFUSAL = Pattern.compile("modulets: refused shell class (\\S+):");
    /** A shell class the rewriter failed on: it runs unrewritten (docs/BOUNDARY.md). */
    private static final Pattern REWRITE_ERROR = Pattern.compile("modulets: boundary: cannot rewrite (\\S+),");

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("new-failure-classes")) {
            Path runs = Path.of(args[1]);
            Run plain = Run.read(runs.resolve("plain"));
            Run swaps = Run.read(runs.resolve("swaps"));
            Set<String> classes = new TreeSet<>();
            for (String test : swaps.newFailures(plain)) {
                // a refused class is no version's doing
                if (!swaps.causedByRefusal(test)) {
                    classes.add(test.substring(0, test.indexOf('#')));
                }
            }
            classes.forEach(System.out::println);
        } else if (args.length == 4 && args[0].equals("table")) {
            table(Path.of(args[1]), Boolean.parseBoolean(args[2]), Path.of(args[3]));
        } else {
            System.err.println("usage: Verdict new-failure-classes RUNS_DIR | table RUNS_ROOT QUICK OUT.md");
            System.exit(2);
        }
    }

    private static void table(Path root, boolean quick, Path out) throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("| suite | JDK | tests run | failures without the agent | new failures, agent with nothing "
                + "swappable | new failures with the agent | new failures with three swaps (+ not counted: "
                + "the deployed version fails without the agent too) | deploys activated | time ratio "
                + "(agent / without) | CPU ratio | refusals logged (+ classes it could not rewrite) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder details = new StringBuilder();
        int unexplained = 0;
        List<Path> suites;
        try (Stream<Path> s = Files.list(root)) {
            suites = s.filter(Files::isDirectory).sorted().collect(Collectors.toList());
        }
        for (Path suite : suites) {
            List<Path> jdks;
            try (Stream<Path> s = Files.list(suite)) {
                jdks = s.filter(p -> p.getFileName().toString().endsWith("-quick") == quick)
                        .filter(Files::isDirectory).sorted().collect(Collectors.toList());
            }
            for (Path runs : jdks) {
                String jdk = runs.getFileName().toString().replace("jdk", "").replace("-quick", "");
                Run plain = Run.read(runs.resolve("plain"));
                Run none = Run.read(runs.resolve("none"));
                Run agent = Run.read(runs.resolve("agent"));
                Run swaps = Run.read(runs.resolve("swaps"));
                Set<String> excused = new TreeSet<>();
                Set<String> swapNew = swaps.newFailures(plain);
                try (Stream<Path> s = Files.list(runs)) {
                    for (Path p : (Iterable<Path>) s.filter(p -> p.getFileName().toString().startsWith("plain-"))
                            .sorted()::iterator) {
                        Run other = Run.read(p);
                        for (String t : swapNew) {
                            if (other.failed.containsKey(t)) {
                                excused.add(t);
                            }
                        }
                    }
                }
                Set<String> counted = new TreeSet<>(swapNew);
                counted.removeAll(excused);
                unexplained += unexplained(none, plain) + unexplained(agent, plain)
                        + (int) counted.stream().filter(t -> !swaps.causedByRefusal(t)).count();
                Set<String> refusals = new TreeSet<>();
                refusals.addAll(agent.refusals);
                refusals.addAll(swaps.refusals);
                Set<String> rewriteErrors = new TreeSet<>(agent.rewriteErrors);
                rewriteErrors.addAll(swaps.rewriteErrors);
                rewriteErrors.addAll(none.rewriteErrors);
                md.append("| ").append(suite.getFileName()).append(" | ").append(jdk)
                        .append(" | ").append(plain.count()).append(" | ").append(plain.failCount())
                        .append(" | ").append(none.newCount(plain))
                        .append(" | ").append(agent.newCount(plain))
                        .append(" | ").append(swapsCell(swaps, counted, excused))
                        .append(" | ").append(swaps.activated).append(" of ").append(swaps.deploys)
                        .append(" | ").append(ratio(agent.wall, plain.wall))
                        .append(" | ").append(ratio(agent.cpu, plain.cpu))
                        .append(" | ").append(refusals.size())
                        .append(rewriteErrors.isEmpty() ? "" : " (+ " + rewriteErrors.size() + " cannot rewrite)")
                        .append(" |\n");
                details.append(detail(suite.getFileName() + " JDK " + jdk, plain, none, agent, swaps, counted,
                        excused, refusals, rewriteErrors));
            }
        }
        String text = md + details.toString();
        Files.writeString(out, text);
        System.out.print(text);
        if (unexplained > 0) {
            System.err.println(unexplained + " new failures that no refused class explains (above)");
            System.exit(1);
        }
    }

    private static String detail(String title, Run plain, Run none, Run agent, Run swaps, Set<String> counted,
            Set<String> excused, Set<String> refusals, Set<String> rewriteErrors) {
        StringBuilder b = new StringBuilder();
        b.append("\n").append(title).append(String.format(": wall %.1f s without the agent, %.1f s nothing "
                + "swappable, %.1f s with it, %.1f s with three swaps%n",
                plain.wall, none.wall, agent.wall, swaps.wall));
        list(b, "  new failures, nothing swappable", none.newFailures(plain), none);
        list(b, "  new failures with the agent", agent.newFailures(plain), agent);
        list(b, "  new failures with three swaps", counted, swaps);
        list(b, "  not counted (the deployed version fails without the agent too)", excused, swaps);
        list(b, "  refused shell classes", refusals, null);
        list(b, "  shell classes the rewriter failed on (they run unrewritten)", rewriteErrors, null);
        return b.toString();
    }

    private static void list(StringBuilder b, String what, Set<String> tests, Run run) {
        if (tests.isEmpty()) {
            return;
        }
        b.append(what).append(" (").append(tests.size()).append("):\n");
        int shown = 0;
        for (String t : tests) {
            if (++shown > 10) {
                b.append("    ... and ").append(tests.size() - 10).append(" more\n");
                break;
            }
            String why = run == null ? "" : run.failed.getOrDefault(t, "did not run (missing from the report)");
            b.append("    ").append(t).append(why.isEmpty() ? "" : "  -- " + why).append('\n');
        }
    }

    private static int unexplained(Run run, Run plain) {
        return (int) run.newFailures(plain).stream().filter(t -> !run.causedByRefusal(t)).count();
    }

    private static String swapsCell(Run swaps, Set<String> counted, Set<String> excused) {
        if (!swaps.ok) {
            return "no report";
        }
        long refused = counted.stream().filter(swaps::causedByRefusal).count();
        return counted.size() + (refused == 0 ? "" : " (" + refused + " in refused classes)")
                + (excused.isEmpty() ? "" : " + " + excused.size() + " not counted");
    }

    private static String ratio(double a, double b) {
        return b > 0 && a > 0 ? String.format("%.2f", a / b) : "-";
    }

    /** One console launcher run: its test cases, failures (with the first line of why), time and log. */
    static final class Run {
        boolean ok;
        final Set<String> tests = new TreeSet<>();
        final Map<String, String> failed = new HashMap<>();
        final Map<String, String> traces = new HashMap<>();
        final Set<String> refusals = new TreeSet<>();
        final Set<String> rewriteErrors = new TreeSet<>();
        double wall;
        double cpu;
        int deploys;
        int activated;

        static Run read(Path dir) throws Exception {
            Run run = new Run();
            Path reports = dir.resolve("reports");
            if (Files.isDirectory(reports)) {
                List<Path> xml;
                try (Stream<Path> s = Files.list(reports)) {
                    xml = s.filter(p -> p.toString().endsWith(".xml")).sorted().collect(Collectors.toList());
                }
                for (Path p : xml) {
                    run.ok = true;
                    try {
                        run.readReport(p);
                    } catch (org.xml.sax.SAXParseException e) {
                        // cut short: the JVM was ended (a hung test) before it wrote the report
                        run.ok = false;
                        break;
                    }
                }
            }
            Path time = dir.resolve("time");
            if (!Files.exists(time) || Files.size(time) == 0) {
                // sampled from /proc by hand where bash's time was lost: the JVM's own CPU, no children
                time = dir.resolve("time.proc");
            }
            if (Files.exists(time)) {
                String[] t = Files.readString(time).trim().split("\\s+");
                if (t.length == 3) {
                    run.wall = Double.parseDouble(t[0]);
                    run.cpu = Double.parseDouble(t[1]) + Double.parseDouble(t[2]);
                }
            }
            Path log = dir.resolve("log");
            if (Files.exists(log)) {
                for (String line : lines(log)) {
                    var m = REFUSAL.matcher(line);
                    if (m.find()) {
                        run.refusals.add(m.group(1));
                    }
                    var e = REWRITE_ERROR.matcher(line);
                    if (e.find()) {
                        run.rewriteErrors.add(e.group(1));
                    }
                    if (line.contains("modulets: generation") && line.contains(" is current (was ")) {
                        run.activated++;
                    }
                }
            }
            Path deploys = dir.resolve("deploys");
            if (Files.exists(deploys)) {
                run.deploys = lines(deploys).size();
            }
            return run;
        }

        private static List<String> lines(Path p) throws IOException {
            return List.of(new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1)
                    .split("\n"));
        }

        private void readReport(Path p) throws Exception {
            var factory = DocumentBuilderFactory.newInstance();
            var doc = factory.newDocumentBuilder().parse(p.toFile());
            NodeList cases = doc.getElementsByTagName("testcase");
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < cases.getLength(); i++) {
                Element c = (Element) cases.item(i);
                if (c.getElementsByTagName("skipped").getLength() > 0) {
                    continue;
                }
                String id = c.getAttribute("classname") + "#" + c.getAttribute("name");
                int n = seen.merge(id, 1, Integer::sum);
                if (n > 1) {
                    id = id + " (" + n + ")";
                }
                tests.add(id);
                String why = firstProblem(c, "failure");
                if (why == null) {
                    why = firstProblem(c, "error");
                }
                if (why != null) {
                    failed.put(id, why);
                    traces.put(id, c.getTextContent());
                }
            }
        }

        private static String firstProblem(Element c, String tag) {
            NodeList l = c.getElementsByTagName(tag);
            if (l.getLength() == 0) {
                return null;
            }
            Element e = (Element) l.item(0);
            String why = e.getAttribute("type") + ": " + e.getAttribute("message");
            why = why.replace('\n', ' ').replace('|', '/');
            return why.length() > 200 ? why.substring(0, 200) + "..." : why;
        }

        int count() {
            return tests.size();
        }

        int failCount() {
            return failed.size();
        }

        Set<String> newFailures(Run reference) {
            Set<String> n = new TreeSet<>();
            for (String t : failed.keySet()) {
                if (!reference.failed.containsKey(t)) {
                    n.add(t);
                }
            }
            // a test that ran without the agent but is missing here did not run: count it as failed
            for (String t : reference.tests) {
                if (ok && !tests.contains(t) && !reference.failed.containsKey(t)) {
                    n.add(t);
                }
            }
            return n;
        }

        String newCount(Run reference) {
            if (!ok) {
                return "no report";
            }
            Set<String> n = newFailures(reference);
            long refused = n.stream().filter(this::causedByRefusal).count();
            return refused == 0 ? String.valueOf(n.size()) : n.size() + " (" + refused + " in refused classes)";
        }

        /** A failure whose trace goes through a class the agent refused at load time (docs/BOUNDARY.md). */
        boolean causedByRefusal(String test) {
            String trace = traces.getOrDefault(test, "");
            return trace.contains("modulets: refused shell class") || refusals.stream().anyMatch(trace::contains);
        }
    }
}
