package lc.mod;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.logging.Logger;

import javax.management.ObjectName;

import lc.Holder;

/**
 * Leaks this generation in one of the ways the pin report names, as careless application code
 * does: a value left in a shell thread-local, a JDBC driver left registered, a shutdown hook of
 * its classes, an MBean left registered, a long-lived thread's context class loader, a thread it
 * started and never stopped, a pool worker created while its code was on the stack.
 */
public final class Pinner implements Consumer<String> {
    @Override
    public void accept(String kind) {
        try {
            switch (kind) {
                case "thread-local" -> Holder.LOCAL.set(new Pinner());
                case "jdbc" -> DriverManager.registerDriver(new NoDriver());
                case "shutdown-hook" -> Runtime.getRuntime().addShutdownHook(new Thread(new Hook(), "pinner-hook"));
                case "mbean" -> ManagementFactory.getPlatformMBeanServer().registerMBean(new Stats(),
                        new ObjectName("lc:type=Stats,version=" + Version.VERSION));
                case "context-class-loader" -> Holder.longLived.setContextClassLoader(Pinner.class.getClassLoader());
                case "thread" -> new Thread(new Spinner(), "spinner").start();
                case "pool-worker" -> {
                    // The worker is created while this code is on the stack.
                    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
                    Holder.lateWorkers = pool;
                    pool.submit(() -> { }).get();
                }
                case "none" -> { }
                default -> throw new IllegalArgumentException(kind);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Holder.mark("pinned " + kind + " version=" + Version.VERSION);
    }

    public static final class Hook implements Runnable {
        @Override
        public void run() {
        }
    }

    public interface StatsMBean {
        int getVersion();
    }

    public static final class Stats implements StatsMBean {
        @Override
        public int getVersion() {
            return Version.VERSION;
        }
    }

    /** A driver that accepts no URL. */
    public static final class NoDriver implements Driver {
        @Override
        public Connection connect(String url, Properties info) {
            return null;
        }

        @Override
        public boolean acceptsURL(String url) {
            return false;
        }

        @Override
        public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
            return new DriverPropertyInfo[0];
        }

        @Override
        public int getMajorVersion() {
            return 1;
        }

        @Override
        public int getMinorVersion() {
            return 0;
        }

        @Override
        public boolean jdbcCompliant() {
            return false;
        }

        @Override
        public Logger getParentLogger() throws java.sql.SQLFeatureNotSupportedException {
            throw new java.sql.SQLFeatureNotSupportedException();
        }
    }
}
