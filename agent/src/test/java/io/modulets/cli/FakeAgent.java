package io.modulets.cli;

import io.modulets.manage.GenerationInfo;
import io.modulets.manage.GenerationMXBean;
import io.modulets.manage.ManagerMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An agent without a JVM: the manage interfaces over a little state, for the CLI's unit tests.
 * Activating a jar whose name contains "refused" is refused, as the real agent refuses, with an
 * {@link IllegalStateException} whose message is the one line.
 */
final class FakeAgent implements ManagerMXBean, Connector {
    final List<GenerationInfo> generations = new ArrayList<>();
    final Map<Integer, List<String>> pins = new HashMap<>();
    final List<String> swappable = new ArrayList<>(List.of("com.acme.jobs"));
    final List<String> shared = new ArrayList<>();
    final List<List<String>> activated = new ArrayList<>();
    JvmAddress openedWith;
    Credentials credentialsGiven;
    int current = 1;
    /** What a rollback returns to; 0: none. */
    int previous;
    /** Run inside the next rollback before it acts (a deploy finishing during the call), then cleared. */
    Runnable duringRollback = () -> { };
    /** Run inside the next rollback after it acted (a deploy finishing right after it), then cleared. */
    Runnable afterRollback = () -> { };
    long activations = 1;
    long rejections;
    String lastRejection;
    String lastDrainWarning;
    boolean closed;
    int canary;
    String canaryFraction;
    String canaryPolicy = "no automatic abort";

    FakeAgent() {
        generations.add(new GenerationInfo(1, "current", "1.0", "9d9688116356aabbccdd", 0, "2026-11-26T02:41:07Z"));
    }

    @Override
    public AgentConnection open(JvmAddress jvm, Credentials credentials) {
        openedWith = jvm;
        credentialsGiven = credentials;
        FakeAgent self = this;
        return new AgentConnection() {
            @Override
            public ManagerMXBean manager() {
                return self;
            }

            @Override
            public GenerationMXBean generation(int id) {
                GenerationInfo g = GenerationViews.find(generations, id)
                        .orElseThrow(() -> new CliFailure(jvm + " has no MBean for generation " + id));
                return new FakeGeneration(g, pins.getOrDefault(id, List.of()));
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }

    /** Makes a new generation current; the old current one drains with {@code liveTasks}. */
    int newGeneration(String label, String hash, long liveTasks) {
        int id = generations.size() + 1;
        replace(current, "draining", liveTasks);
        generations.add(new GenerationInfo(id, "current", label, hash, 0, "2026-11-26T02:42:00Z"));
        previous = current;
        current = id;
        activations++;
        return id;
    }

    /** Gives generation {@code id} task outcomes. */
    void outcomes(int id, long started, long completed, long failed) {
        GenerationInfo g = generations.get(id - 1);
        generations.set(id - 1, new GenerationInfo(id, g.getState(), g.getLabel(), g.getHash(), g.getLiveTasks(),
                g.getSince(), started, completed, failed));
    }

    void replace(int id, String state, long liveTasks) {
        GenerationInfo g = generations.get(id - 1);
        generations.set(id - 1, new GenerationInfo(id, state, g.getLabel(), g.getHash(), liveTasks, "2026-11-26T02:42:00Z"));
    }

    /** As the agent refuses: the exception's message and the last rejection are the line, prefixed "modulets: ". */
    private int refuse(String reason) {
        rejections++;
        lastRejection = "modulets: " + reason;
        throw new IllegalStateException(lastRejection);
    }

    @Override
    public String getAgentVersion() {
        return "0.1.0-TEST";
    }

    /** Bytes received per upload; the staged jars by path (what stageJar returned) and their bytes. */
    final Map<String, java.io.ByteArrayOutputStream> uploads = new HashMap<>();
    final Map<String, byte[]> staged = new java.util.LinkedHashMap<>();

    /** An agent that predates receiveJar: its call fails as a JMX proxy's does (seen on JDK 17). */
    boolean withoutReceiveJar;

    @Override
    public long receiveJar(String upload, long offset, byte[] bytes) {
        if (withoutReceiveJar) {
            throw new java.lang.reflect.UndeclaredThrowableException(new javax.management.ReflectionException(
                    new NoSuchMethodException("receiveJar(java.lang.String, long, [B)"),
                    "No such operation: receiveJar"));
        }
        java.io.ByteArrayOutputStream held = offset == 0 ? new java.io.ByteArrayOutputStream() : uploads.get(upload);
        if (held == null || held.size() != offset) {
            throw new IllegalStateException("modulets: receiveJar refused: upload " + upload + " out of order");
        }
        held.writeBytes(bytes);
        uploads.put(upload, held);
        return held.size();
    }

    @Override
    public String stageJar(String upload, String fileName, long size, String sha256) {
        byte[] bytes = uploads.remove(upload).toByteArray();
        if (bytes.length != size) {
            throw new IllegalStateException("modulets: stageJar refused: upload " + upload + " of " + fileName
                    + " is truncated: " + bytes.length + " of " + size + " bytes received; nothing was kept");
        }
        String path = "/store/received/" + sha256 + "/" + fileName;
        staged.put(path, bytes);
        return path;
    }

    @Override
    public String check(List<String> jars) {
        for (String jar : jars) {
            if (jar.contains("refused")) {
                return "modulets: check of [" + jar + "] refused, generation " + current + " stays current: link: no";
            }
        }
        return null;
    }

    @Override
    public int getCurrentGeneration() {
        return current;
    }

    @Override
    public List<String> getSwappablePackages() {
        return List.copyOf(swappable);
    }

    @Override
    public List<String> getSharedPackages() {
        return List.copyOf(shared);
    }

    @Override
    public String getModulesDirectory() {
        return "/srv/jobs";
    }

    @Override
    public String getStoreDirectory() {
        return "/home/u/.cache/modulets/store";
    }

    @Override
    public long getActivationCount() {
        return activations;
    }

    @Override
    public long getRejectionCount() {
        return rejections;
    }

    @Override
    public String getLastRejection() {
        return lastRejection;
    }

    @Override
    public String getLastDrainWarning() {
        return lastDrainWarning;
    }

    @Override
    public int getLoadedGenerationCount() {
        return (int) generations.stream().filter(g -> !g.getState().equals("unloaded")).count();
    }

    @Override
    public List<GenerationInfo> getGenerations() {
        return List.copyOf(generations);
    }

    @Override
    public int activate(List<String> jars) {
        activated.add(jars);
        if (jars.stream().anyMatch(j -> j.contains("refused"))) {
            return refuse("deploy of [refused.jar] refused, generation " + current + " (1.0, 9d9688116356) stays current:"
                    + " link check: static method com.acme.jobs.Mail.send()V is missing, used by shell com.acme.Server.handle");
        }
        return newGeneration("2.0", "7aa8ebdc0553ffeeddcc", 3);
    }

    @Override
    public int rescan() {
        return refuse("rescan refused: no modules=DIR was given; activate jars instead");
    }

    @Override
    public int rollback() {
        Runnable during = duringRollback;
        duringRollback = () -> { };
        during.run();
        if (previous == 0) {
            return refuse("rollback refused: generation 1 has no previous generation");
        }
        int target = previous;
        replace(current, "retired", 0);
        replace(target, "current", 0);
        previous = current;
        current = target;
        activations++;
        Runnable after = afterRollback;
        afterRollback = () -> { };
        after.run();
        return target;
    }

    @Override
    public int getRollbackTarget() {
        return previous;
    }

    @Override
    public int getCanary() {
        return canary;
    }

    @Override
    public String getCanaryFraction() {
        return canaryFraction;
    }

    @Override
    public double getCanaryShare() {
        return canaryFraction == null ? 0 : Double.parseDouble(canaryFraction.replace("%", "")) / 100;
    }

    @Override
    public String getDeployCanaryFraction() {
        return null;
    }

    @Override
    public String getCanaryPolicy() {
        return canaryPolicy;
    }

    @Override
    public int activateCanary(List<String> jars, String fraction) {
        activated.add(jars);
        if (canary != 0) {
            return refuse("deploy of [mail.jar] refused, generation " + current + " (1.0, 9d9688116356) stays current:"
                    + " generation " + canary + " (2.0, 7aa8ebdc0553) is a canary: promote or abort it first");
        }
        canary = generations.size() + 1;
        canaryFraction = fraction;
        generations.add(new GenerationInfo(canary, "canary", "2.0", "7aa8ebdc0553ffeeddcc", 0, "2026-11-26T02:42:00Z"));
        return canary;
    }

    @Override
    public int promote() {
        if (canary == 0) {
            return refuse("promote refused: no canary is in progress (current: generation " + current + ")");
        }
        replace(current, "draining", 2);
        replace(canary, "current", 0);
        previous = current;
        current = canary;
        canary = 0;
        activations++;
        return current;
    }

    @Override
    public int abort() {
        if (canary == 0) {
            return refuse("abort refused: no canary is in progress (current: generation " + current + ")");
        }
        int aborted = canary;
        replace(canary, "draining", 1);
        canary = 0;
        return aborted;
    }

    @Override
    public String setCanaryPolicy(String margin, long minTasks) {
        if (canary == 0) {
            throw new IllegalStateException("modulets: setCanaryPolicy refused: no canary is in progress");
        }
        canaryPolicy = "abort above the current generation's failure, thrown-exception, 5xx or failed-job rate + "
                + margin + " (99% confidence) after " + minTasks + " ended tasks";
        return canaryPolicy;
    }

    @Override
    public String setCanaryLatency(String factor) {
        if (canary == 0) {
            throw new IllegalStateException("modulets: setCanaryLatency refused: no canary is in progress");
        }
        canaryPolicy += ", or at a p99 latency above " + factor + " the current generation's";
        return canaryPolicy;
    }

    @Override
    public List<String> addSwappablePackage(String prefix) {
        if (prefix.startsWith("com.acme.loaded")) {
            throw new IllegalStateException("cannot make " + prefix + " swappable: class " + prefix
                    + ".X is loaded by the app loader; restart with packages=" + prefix);
        }
        swappable.add(prefix);
        return getSwappablePackages();
    }

    @Override
    public List<String> removeSwappablePackage(String prefix) {
        swappable.remove(prefix);
        return getSwappablePackages();
    }

    @Override
    public List<String> addSharedPackage(String prefix) {
        shared.add(prefix);
        return getSharedPackages();
    }

    @Override
    public List<String> removeSharedPackage(String prefix) {
        shared.remove(prefix);
        return getSharedPackages();
    }

    private record FakeGeneration(GenerationInfo info, List<String> pins) implements GenerationMXBean {
        @Override
        public int getId() {
            return info.getId();
        }

        @Override
        public String getState() {
            return info.getState();
        }

        @Override
        public String getLabel() {
            return info.getLabel();
        }

        @Override
        public String getHash() {
            return info.getHash();
        }

        @Override
        public List<String> getJars() {
            return List.of("/store/" + info.getHash() + "/a.jar");
        }

        @Override
        public long getLiveTasks() {
            return info.getLiveTasks();
        }

        @Override
        public long getLoadedClasses() {
            return 3;
        }

        @Override
        public String getCreated() {
            return "2026-11-26T02:41:07Z";
        }

        @Override
        public List<String> getHistory() {
            return List.of("current 2026-11-26T02:41:07Z");
        }

        @Override
        public List<String> getPins() {
            return pins;
        }

        @Override
        public List<String> getPinBlindSpots() {
            return List.of("threads' stacks in native code");
        }

        @Override
        public long getTasksStarted() {
            return info.getTasksStarted();
        }

        @Override
        public long getTasksCompleted() {
            return info.getTasksCompleted();
        }

        @Override
        public long getTasksFailed() {
            return info.getTasksFailed();
        }

        @Override
        public long getTasksRunning() {
            return info.getTasksStarted() - info.getTasksCompleted() - info.getTasksFailed();
        }

        @Override
        public long getMeanRunNanos() {
            return info.getTasksStarted() == 0 ? 0 : 1_500;
        }

        @Override
        public long getMaxRunNanos() {
            return info.getTasksStarted() == 0 ? 0 : 2_500_000_000L;
        }

        @Override
        public long getP50RunNanos() {
            return info.getTasksStarted() == 0 ? 0 : 1_023;
        }

        @Override
        public long getP99RunNanos() {
            return info.getTasksStarted() == 0 ? 0 : 4_194_303;
        }

        @Override
        public long getTasksTimed() {
            return info.getTasksCompleted() + info.getTasksFailed();
        }

        /** Every request timed: 1.2 ms at the median, 31.2 ms at the 99th percentile. */
        @Override
        public long getRequestsTimed() {
            return getRequests();
        }

        @Override
        public long getP50RequestNanos() {
            return getRequests() == 0 ? 0 : 1_212_415;
        }

        @Override
        public long getP99RequestNanos() {
            return getRequests() == 0 ? 0 : 31_195_135;
        }

        @Override
        public List<String> getExceptions() {
            return info.getTasksFailed() == 0 ? List.of()
                    : List.of("java.lang.IllegalStateException " + info.getTasksFailed());
        }

        /** Each failed run's exception, and as many caught ones of another class, in as many runs. */
        @Override
        public long getExceptionsThrown() {
            return 2 * info.getTasksFailed();
        }

        @Override
        public long getTasksThrowing() {
            return info.getTasksFailed();
        }

        @Override
        public List<String> getThrownExceptions() {
            return info.getTasksFailed() == 0 ? List.of()
                    : List.of("java.lang.IllegalStateException " + info.getTasksFailed(),
                            "java.io.UncheckedIOException " + info.getTasksFailed());
        }

        /** As many requests as completed runs, as many 5xx as failed runs and half as many 4xx. */
        @Override
        public long getRequests() {
            return info.getTasksCompleted();
        }

        @Override
        public long getServerErrors() {
            return info.getTasksFailed();
        }

        @Override
        public long getClientErrors() {
            return info.getTasksFailed() / 2;
        }

        /** As many job runs as failed runs, one of them failed. */
        @Override
        public long getJobRuns() {
            return info.getTasksFailed();
        }

        @Override
        public long getJobRunsFailed() {
            return Math.min(1, info.getTasksFailed());
        }

        @Override
        public List<String> getJobExceptions() {
            return info.getTasksFailed() == 0 ? List.of() : List.of("org.quartz.JobExecutionException 1");
        }
    }
}
