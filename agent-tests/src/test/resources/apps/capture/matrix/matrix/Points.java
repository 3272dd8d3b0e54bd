package matrix;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/** Every submission point of DESIGN §2.1, each with its own pool where it has one. */
final class Points {
    /** Every pool made here, shut down at the end. */
    static final List<ExecutorService> POOLS = new ArrayList<>();
    static final List<Timer> TIMERS = new ArrayList<>();
    static EventLoop loop;
    static Completer completer;

    private Points() {
    }

    static Callable<Object> callable(Runnable body) {
        return () -> {
            body.run();
            return null;
        };
    }

    static TimerTask timerTask(Runnable body) {
        return new TimerTask() {
            @Override
            public void run() {
                body.run();
            }
        };
    }

    /** A fork/join task of shell code. */
    static final class Action extends RecursiveAction {
        private final Runnable body;

        Action(Runnable body) {
            this.body = body;
        }

        @Override
        protected void compute() {
            body.run();
        }
    }

    static <T extends ExecutorService> T pool(T pool) {
        POOLS.add(pool);
        return pool;
    }

    static ThreadPoolExecutor onePool() {
        return pool(new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>()));
    }

    static Timer timer() {
        Timer timer = new Timer("timer", true);
        TIMERS.add(timer);
        return timer;
    }

    /** Completes CompletableFutures on its own thread, started under generation 1; it can be held. */
    static final class Completer extends Thread {
        final BlockingQueue<CompletableFuture<Void>> sources = new LinkedBlockingQueue<>();
        volatile CountDownLatch hold = new CountDownLatch(0);

        Completer() {
            super("completer");
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (true) {
                    CompletableFuture<Void> source = sources.take();
                    Point.await(hold);
                    source.complete(null);
                }
            } catch (InterruptedException stop) {
                // end of the test
            }
        }
    }

    static List<Point> all(int feature) throws Exception {
        List<Point> points = new ArrayList<>();
        points.add(new Point("thread-runnable", false) {
            boolean takesOwnTasks() {
                return true;
            }

            Object submit(Runnable body) {
                new Thread(body).start();
                return null;
            }
        });
        points.add(new Point("thread-subclass", false) {
            Object submit(Runnable body) {
                new Thread() {
                    @Override
                    public void run() {
                        body.run();
                    }
                }.start();
                return null;
            }
        });
        ThreadFactory factory = Executors.defaultThreadFactory();
        points.add(new Point("thread-factory", false) {
            boolean takesOwnTasks() {
                return true;
            }

            Object submit(Runnable body) {
                factory.newThread(body).start();
                return null;
            }
        });
        ThreadPoolExecutor executePool = onePool();
        points.add(new Point("tpe-execute", false) {
            boolean takesOwnTasks() {
                return true;
            }

            Runnable block() throws Exception {
                return blockWith(executePool);
            }

            Object submit(Runnable body) {
                executePool.execute(body);
                return body;
            }

            boolean cancellable() {
                return true;
            }

            boolean cancel(Object handle) {
                return executePool.remove((Runnable) handle);
            }
        });
        ThreadPoolExecutor submitPool = onePool();
        points.add(new Point("tpe-submit", false) {
            boolean takesOwnTasks() {
                return true;
            }

            Runnable block() throws Exception {
                return blockWith(submitPool);
            }

            Object submit(Runnable body) {
                return submitPool.submit(body);
            }

            boolean cancellable() {
                return true;
            }
        });
        ThreadPoolExecutor invokePool = onePool();
        points.add(new Point("tpe-invokeAll", true) {
            Object submit(Runnable body) throws Exception {
                invokePool.invokeAll(List.of(callable(body)));
                return null;
            }
        });
        points.add(new Point("tpe-invokeAny", true) {
            Object submit(Runnable body) throws Exception {
                invokePool.invokeAny(List.of(callable(body)));
                return null;
            }
        });
        ExecutorService single = pool(Executors.newSingleThreadExecutor());
        points.add(new Point("executors-single", false) {
            boolean takesOwnTasks() {
                return true;
            }

            Runnable block() throws Exception {
                return blockWith(single);
            }

            Object submit(Runnable body) {
                return single.submit(body);
            }

            boolean cancellable() {
                return true;
            }
        });
        ExecutorService unconfigurable = pool(Executors.unconfigurableExecutorService(Executors.newFixedThreadPool(1)));
        points.add(new Point("executors-unconfigurable", false) {
            boolean takesOwnTasks() {
                return true;
            }

            Runnable block() throws Exception {
                return blockWith(unconfigurable);
            }

            Object submit(Runnable body) {
                return unconfigurable.submit(body);
            }

            boolean cancellable() {
                return true;
            }
        });
        ScheduledThreadPoolExecutor scheduled = pool(new ScheduledThreadPoolExecutor(1));
        points.add(new Point("stpe-schedule-runnable", false) {
            boolean takesOwnTasks() {
                return true;
            }

            Runnable block() throws Exception {
                return blockWith(scheduled);
            }

            Object submit(Runnable body) {
                return scheduled.schedule(body, 1, TimeUnit.MILLISECONDS);
            }

            boolean cancellable() {
                return true;
            }
        });
        points.add(new Point("stpe-schedule-callable", false) {
            Runnable block() throws Exception {
                return blockWith(scheduled);
            }

            Object submit(Runnable body) {
                return scheduled.schedule(callable(body), 1, TimeUnit.MILLISECONDS);
            }

            boolean cancellable() {
                return true;
            }
        });
        ForkJoinPool forkJoin = pool(new ForkJoinPool(1));
        points.add(new Point("fjp-execute", false) {
            boolean takesOwnTasks() {
                return true;
            }

            Runnable block() throws Exception {
                return blockWith(forkJoin);
            }

            Object submit(Runnable body) {
                forkJoin.execute(body);
                return null;
            }
        });
        points.add(new Point("fjp-submit", false) {
            boolean takesOwnTasks() {
                return true;
            }

            Runnable block() throws Exception {
                return blockWith(forkJoin);
            }

            Object submit(Runnable body) {
                return forkJoin.submit(body);
            }

            boolean cancellable() {
                return true;
            }
        });
        points.add(new Point("fjp-invoke", true) {
            Object submit(Runnable body) {
                forkJoin.invoke(new Action(body));
                return null;
            }
        });
        points.add(new Point("fj-fork-common", false) {
            Runnable block() throws Exception {
                return blockWith(ForkJoinPool.commonPool());
            }

            Object submit(Runnable body) {
                return new Action(body).fork();
            }

            boolean cancellable() {
                return true;
            }
        });
        points.add(new Point("fj-invoke", true) {
            Object submit(Runnable body) {
                new Action(body).invoke();
                return null;
            }
        });
        points.add(new Point("fj-invokeAll", true) {
            Object submit(Runnable body) {
                ForkJoinTask.invokeAll(new Action(body), new Action(body));
                return null;
            }
        });
        points.add(new Point("parallel-stream", true) {
            Object submit(Runnable body) {
                IntStream.range(0, 8).parallel().forEach(i -> body.run());
                return null;
            }
        });
        // Thread per task where the common pool has parallelism 1 (17 on 2 CPUs): nothing to keep busy.
        boolean commonPoolRunsAsync = new CompletableFuture<Void>().defaultExecutor() instanceof ForkJoinPool;
        points.add(new Point("cf-async-default", false) {
            boolean takesOwnTasks() {
                return true;
            }

            Runnable block() throws Exception {
                return commonPoolRunsAsync ? blockWith(ForkJoinPool.commonPool()) : () -> { };
            }

            Object submit(Runnable body) {
                return CompletableFuture.runAsync(body);
            }

            boolean cancellable() {
                if (!commonPoolRunsAsync) {
                    Out.put("cancelled/" + name, "n/a: thread per task, it starts at once");
                }
                return commonPoolRunsAsync;
            }
        });
        ThreadPoolExecutor cfPool = onePool();
        points.add(new Point("cf-async-executor", false) {
            boolean takesOwnTasks() {
                return true;
            }

            Runnable block() throws Exception {
                return blockWith(cfPool);
            }

            Object submit(Runnable body) {
                return CompletableFuture.runAsync(body, cfPool);
            }

            boolean cancellable() {
                return true;
            }
        });
        // The JDK's delayed executor: its task hands the application's to the pool when the delay ends (17: a
        // scheduled pool of CompletableFuture's, 25: the common pool's delay scheduler)
        ThreadPoolExecutor delayedPool = onePool();
        points.add(new Point("cf-delayed-executor", false) {
            boolean takesOwnTasks() {
                return true;
            }

            Runnable block() throws Exception {
                return blockWith(delayedPool);
            }

            Object submit(Runnable body) {
                return CompletableFuture.runAsync(body,
                        CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS, delayedPool));
            }
        });
        if (feature >= 25) {
            ForkJoinPool delaying = pool(new ForkJoinPool(1));
            Method schedule = ForkJoinPool.class.getMethod("schedule", Runnable.class, long.class, TimeUnit.class);
            points.add(new Point("fjp-schedule", false) {
                boolean takesOwnTasks() {
                    return true;
                }

                Runnable block() throws Exception {
                    return blockWith(delaying);
                }

                Object submit(Runnable body) throws Exception {
                    return schedule.invoke(delaying, body, 1L, TimeUnit.MILLISECONDS);
                }

                boolean cancellable() {
                    return true;
                }
            });
        }
        completer = new Completer();
        completer.start();
        points.add(new Point("cf-dependent", false) {
            Runnable block() {
                CountDownLatch hold = new CountDownLatch(1);
                completer.hold = hold;
                return hold::countDown;
            }

            Object submit(Runnable body) {
                CompletableFuture<Void> source = new CompletableFuture<>();
                CompletableFuture<Void> dependent = source.thenApply(v -> v).thenRun(body);
                completer.sources.add(source);
                return dependent;
            }

            boolean cancellable() {
                return true;
            }
        });
        Timer timer = timer();
        points.add(new Point("timer-once", false) {
            Runnable block() {
                CountDownLatch running = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                timer.schedule(timerTask(() -> {
                    running.countDown();
                    await(release);
                }), 0);
                await(running);
                return release::countDown;
            }

            Object submit(Runnable body) {
                TimerTask task = timerTask(body);
                timer.schedule(task, 1);
                return task;
            }

            boolean cancellable() {
                return true;
            }
        });
        loop = new EventLoop();
        points.add(new Point("custom-executor", false) {
            boolean takesOwnTasks() {
                return true;
            }

            Runnable block() throws Exception {
                return blockWith(loop);
            }

            Object submit(Runnable body) {
                loop.execute(body);
                return null;
            }
        });
        if (feature >= 21) {
            addVirtual(points);
        }
        return points;
    }

    /** 21+ API through reflection: the child program is compiled for release 17. */
    private static void addVirtual(List<Point> points) throws Exception {
        Class<?> builderType = Class.forName("java.lang.Thread$Builder");
        Method start = builderType.getMethod("start", Runnable.class);
        Method unstarted = builderType.getMethod("unstarted", Runnable.class);
        Method factory = builderType.getMethod("factory");
        Method ofVirtual = Thread.class.getMethod("ofVirtual");
        Method ofPlatform = Thread.class.getMethod("ofPlatform");
        Method startVirtualThread = Thread.class.getMethod("startVirtualThread", Runnable.class);
        points.add(new Point("thread-builder-platform", false) {
            boolean takesOwnTasks() {
                return true;
            }

            Object submit(Runnable body) throws Exception {
                start.invoke(ofPlatform.invoke(null), body);
                return null;
            }
        });
        points.add(new Point("vt-builder-start", false) {
            Object submit(Runnable body) throws Exception {
                start.invoke(ofVirtual.invoke(null), body);
                return null;
            }
        });
        points.add(new Point("vt-builder-unstarted", false) {
            Object submit(Runnable body) throws Exception {
                ((Thread) unstarted.invoke(ofVirtual.invoke(null), body)).start();
                return null;
            }
        });
        points.add(new Point("vt-startVirtualThread", false) {
            Object submit(Runnable body) throws Exception {
                startVirtualThread.invoke(null, body);
                return null;
            }
        });
        ExecutorService perTask = pool((ExecutorService) Executors.class
                .getMethod("newVirtualThreadPerTaskExecutor").invoke(null));
        points.add(new Point("vt-per-task-executor", false) {
            Object submit(Runnable body) {
                return perTask.submit(body);
            }
        });
        ThreadFactory virtualFactory = (ThreadFactory) factory.invoke(ofVirtual.invoke(null));
        ThreadPoolExecutor virtualPool = pool(new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), virtualFactory));
        points.add(new Point("vt-factory-pool", false) {
            Runnable block() throws Exception {
                return blockWith(virtualPool);
            }

            Object submit(Runnable body) {
                return virtualPool.submit(body);
            }

            boolean cancellable() {
                return true;
            }
        });
    }
}
