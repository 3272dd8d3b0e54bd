package io.modulets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

import io.modulets.deploy.DeployRefused;
import io.modulets.deploy.Deployer;
import io.modulets.generations.JarContents;

/**
 * Generation 1's snapshot and checks ({@link Deployer#check}) on a second thread, while premain's
 * thread installs capture: the two are independent and each costs tens of milliseconds of cold
 * code, so on two cores premain is shorter by about the smaller of them (docs/PERFORMANCE.md,
 * startup). Premain joins it before it activates generation 1, so generation 1 is still verified
 * before {@code main}.
 *
 * <p>The thread starts before capture is installed. It therefore must not load the JDK task classes
 * that take a field as they load (FutureTask, ForkJoinTask, CompletableFuture's Completion) nor
 * await a {@code Condition} (which loads ForkJoinPool on JDK 25): it is a plain {@link Thread},
 * joined with {@link Thread#join} (a monitor wait), and the checks are file reading, hashing and ASM.
 */
final class GenerationOneCheck implements Runnable {
    private final Deployer deployer;
    private final List<Path> jars;
    private final List<Object> stamps;
    private final Thread thread;
    private Deployer.Checked checked;
    private Throwable failure;

    private GenerationOneCheck(Deployer deployer, List<Path> jars) throws IOException {
        this.deployer = deployer;
        this.jars = jars;
        this.stamps = stamps(jars);
        this.thread = new Thread(this, "modulets-generation-1-check"); // no lambda: no bootstrap on this path
        thread.setDaemon(true);
    }

    static GenerationOneCheck start(Deployer deployer, List<Path> jars) throws IOException {
        GenerationOneCheck check = new GenerationOneCheck(deployer, jars);
        check.thread.start();
        return check;
    }

    @Override
    public void run() {
        try {
            checked = deployer.check(jars);
        } catch (Throwable e) { // rethrown on premain's thread by join()
            failure = e;
        }
    }

    /** Waits for the checks; a refusal or an error of the check thread is thrown here. */
    Deployer.Checked join() throws DeployRefused, InterruptedException {
        thread.join(); // its writes happen-before join's return
        if (failure instanceof DeployRefused refused) {
            throw refused;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        return checked;
    }

    /**
     * Whether the modules directory now lists other jars than the ones checked, or one of them has
     * another file identity, size or modification time (or cannot be read): the watcher starts after
     * the snapshot was taken, so a change in between would otherwise go unnoticed until the next one.
     */
    boolean changed(Path modules) {
        try {
            List<Path> current = JarContents.jarsIn(modules);
            return !current.equals(jars) || !stamps(current).equals(stamps);
        } catch (IOException e) {
            return true;
        }
    }

    private static List<Object> stamps(List<Path> jars) throws IOException {
        List<Object> stamps = new ArrayList<>();
        for (Path jar : jars) {
            BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
            stamps.add(attributes.fileKey());
            stamps.add(attributes.size());
            stamps.add(attributes.lastModifiedTime());
        }
        return stamps;
    }
}
