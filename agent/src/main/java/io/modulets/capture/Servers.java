package io.modulets.capture;

import java.util.List;

import io.modulets.bootstrap.Requests;

/**
 * What the agent knows, with no configuration, of the servers and schedulers most Java applications
 * run on (DESIGN §2.1, "requests and jobs"): their loop threads, and the methods where a request or
 * job run is dispatched and where it ends. Recognized by class name as the classes load; the agent
 * ships and links against none of them. The names were read from each project's sources (the
 * versions in docs/SERVERS.md); an application on another version whose classes differ gets neither
 * rule, and the drain warning names the threads that then stay bound.
 */
final class Servers {
    private Servers() {
    }

    private static final String JETTY_REQUEST = "org.eclipse.jetty.server.internal.HttpChannelState$ChannelRequest";
    private static final String JETTY_CONTEXT_REQUEST = "org.eclipse.jetty.server.handler.ContextRequest";
    private static final String JETTY_RESPONSE = "org.eclipse.jetty.server.internal.HttpChannelState$ChannelResponse";
    private static final String TOMCAT_WS = "org.apache.tomcat.websocket.";
    private static final String JETTY_WS = "org.eclipse.jetty.websocket.core.WebSocketCoreSession";
    private static final String JETTY_WS_10 = "org.eclipse.jetty.websocket.core.internal.WebSocketCoreSession";
    private static final String UNDERTOW_WS = "io.undertow.websockets.core.AbstractReceiveListener";

    /** Threads (by their class, or their Runnable's) that only loop and hand out work. */
    static final List<String> LOOPS = List.of(
            // Tomcat 9–11 (so Spring Boot's embedded Tomcat): connector and utility pool workers,
            // the acceptor and the NIO poller
            "org.apache.tomcat.util.threads.TaskThread",
            "org.apache.tomcat.util.net.Acceptor",
            "org.apache.tomcat.util.net.NioEndpoint$Poller",
            // Tomcat's WebSocket timeouts (sessions' idle and writes' timeouts), a thread started by the first
            // session or blocking write that needs it, inside that connection's handshake or message
            "org.apache.tomcat.websocket.BackgroundProcessManager$WsBackgroundThread",
            // Spring Boot's thread that keeps the JVM alive while embedded Tomcat runs (Boot 4, Boot 2-3)
            "org.springframework.boot.tomcat.TomcatWebServer$*",
            "org.springframework.boot.web.embedded.tomcat.TomcatWebServer$*",
            // Jetty 9–12: every QueuedThreadPool thread runs its Runner (acceptors and selectors are
            // jobs that the pool runs, not threads of their own)
            "org.eclipse.jetty.util.thread.QueuedThreadPool$Runner",
            // Quartz 2: the scheduler thread, the pool's workers, the JDBC store's background threads
            "org.quartz.core.QuartzSchedulerThread",
            "org.quartz.simpl.SimpleThreadPool$WorkerThread",
            "org.quartz.impl.jdbcjobstore.JobStoreSupport$MisfireHandler",
            "org.quartz.impl.jdbcjobstore.JobStoreSupport$ClusterManager",
            // Netty 4.1/4.2 event loops (so Reactor Netty, Spring WebFlux and Vert.x): the default
            // thread factory's thread class, and the loop body on threads of other factories
            "io.netty.util.concurrent.FastThreadLocalThread",
            "io.netty.util.concurrent.SingleThreadEventExecutor$*",
            // Netty's HashedWheelTimer: its worker, started by the first newTimeout, whoever calls it
            "io.netty.util.HashedWheelTimer$Worker",
            // Kotlin coroutines (kotlinx.coroutines 1.6-1.11): the workers of Dispatchers.Default and IO, the timer
            // thread that resumes a coroutine after delay (each started by the first coroutine that needs it), and
            // the debug probes' cleaner; a coroutine carries its own binding on them (CoroutineRules)
            "kotlinx.coroutines.scheduling.CoroutineScheduler$Worker",
            "kotlinx.coroutines.DefaultExecutor",
            "kotlinx.coroutines.debug.internal.DebugProbesImpl$*",
            // Undertow: XNIO's I/O and accept threads, and the worker pool of JBoss Threads (XNIO's thread
            // factory wraps the pool's body in a Runnable of its own)
            "org.xnio.XnioIoThread",
            "org.xnio.XnioWorker$WorkerThreadFactory$*",
            "org.jboss.threads.JBossThread",
            "org.jboss.threads.EnhancedQueueExecutor$ThreadBody");

    /**
     * The servers' own pools (not JDK pools): what a request submits to them (a servlet's
     * {@code AsyncContext.start}) is its child; what their loops submit is not.
     */
    static final List<String> POOLS = List.of(
            "org.apache.tomcat.util.threads.ThreadPoolExecutor",
            "org.eclipse.jetty.util.thread.QueuedThreadPool",
            // XNIO's worker pool (Undertow's exchange.dispatch(Runnable)); a ThreadPoolExecutor in its
            // place is a JDK pool
            "org.jboss.threads.EnhancedQueueExecutor",
            // Netty's event loops (and DefaultEventExecutor): a task a request hands them with execute or
            // submit (ctx.executor().execute(...)); the loops' own tasks and its lazyExecute stay unbound
            "io.netty.util.concurrent.SingleThreadEventExecutor");

    /**
     * Where a request hands the server a callback that the server runs later on a thread of its own
     * ({@code class#method(Runnable)}): the callback is the request's child and runs on its generation.
     * Jetty 12 core: {@code Request.demand} (every wrapper delegates to the channel's request), whose
     * callback Jetty runs when content arrives, from the connection's read on a pool thread.
     */
    static final List<String> CALLBACKS = List.of(
            JETTY_REQUEST + "#demand",
            // a handler under a ContextHandler: its request wraps the callback in a task of Jetty's (DemandTask, to
            // run it in the context's scope), which reaches the channel's request as Jetty's code
            JETTY_CONTEXT_REQUEST + "#demand");

    /**
     * Where a request registers a listener that the server calls later, if at all, on a thread of its own ({@code
     * class}, method, descriptor): the listener is the request's child and runs on its generation. Jetty 12 core:
     * {@code Request.addFailureListener} and {@code addIdleTimeoutListener} (every wrapper delegates to the channel's
     * request), whose listeners Jetty runs through the channel's serialized invoker when the request fails or idles.
     */
    static final List<String[]> LISTENERS = List.of(
            new String[] {JETTY_REQUEST, "addFailureListener", "(Ljava/util/function/Consumer;)V"},
            new String[] {JETTY_REQUEST, "addIdleTimeoutListener", "(Ljava/util/function/Predicate;)V"},
            // a handler under a ContextHandler: its request wraps each listener in a lambda of its own (to run it in
            // the context's scope), which reaches the channel's request as Jetty's code, so the listener is taken here
            new String[] {JETTY_CONTEXT_REQUEST, "addFailureListener", "(Ljava/util/function/Consumer;)V"},
            new String[] {JETTY_CONTEXT_REQUEST, "addIdleTimeoutListener", "(Ljava/util/function/Predicate;)V"});

    /**
     * Where a server queues a delayed task without {@code execute} ({@code class}, then each {@code schedule}'s
     * descriptor): Netty's {@code schedule(Runnable or Callable, delay, unit)} called on the event loop itself,
     * as a Vert.x timer set in a request's handler is. What a request schedules there is its child.
     */
    static final List<String[]> SCHEDULES = List.<String[]>of(new String[] {
            "io.netty.util.concurrent.AbstractScheduledEventExecutor",
            "(Ljava/lang/Runnable;JLjava/util/concurrent/TimeUnit;)Lio/netty/util/concurrent/ScheduledFuture;",
            "(Ljava/util/concurrent/Callable;JLjava/util/concurrent/TimeUnit;)"
                    + "Lio/netty/util/concurrent/ScheduledFuture;"});

    /**
     * The packages of the Runnables a server runs for itself on its pool: a connection's processing
     * (Tomcat's SocketProcessor, Jetty's HttpConnection), selectors, strategies, reserved threads.
     * Never a request's child even when a request thread submits them, because such a task goes on
     * to serve the connection's next request (OpenTelemetry's agent ignores the same classes). An
     * application's Runnable that Jetty wraps on its way to the pool is one of them too (see
     * docs/SERVERS.md).
     */
    private static final List<String> SERVER_TASK_PACKAGES = List.of(
            "org.apache.tomcat.util.net.",
            "org.eclipse.jetty.",
            // Undertow's connection listeners: a pipelined connection's next request (HttpReadListener)
            "io.undertow.server.protocol.");

    /**
     * Tasks of those packages that run the application's code for a request or message that submits them, so are its
     * children: Jetty's dispatch of a WebSocket message read as a stream ({@code InputStream}, {@code Reader}), whose
     * handler it runs on its pool from the message's first frame (a lambda of {@code DispatchedMessageSink}).
     */
    private static final List<String> APPLICATION_TASKS = List.of(
            "org.eclipse.jetty.websocket.core.messages.DispatchedMessageSink$$Lambda");

    static boolean isServerTask(Object task) {
        String name = task.getClass().getName();
        return startsWithAny(name, SERVER_TASK_PACKAGES) && !startsWithAny(name, APPLICATION_TASKS);
    }

    /**
     * The packages of the servers and schedulers themselves: a periodic task of their own code (a
     * session expirer, an async-timeout check, a monitor) is a loop that binds afresh at each run,
     * even when it was scheduled from inside another task's run; a delayed task of theirs on Netty's
     * event loop (a timeout) is never a request's child, and a one-shot one on a JDK scheduled pool or a
     * {@code Timer} (Jetty's idle-timeout check of a connection) is never bound at all.
     */
    private static final List<String> SERVER_PACKAGES = List.of(
            "org.apache.catalina.", "org.apache.coyote.", "org.apache.tomcat.",
            "org.eclipse.jetty.",
            "org.quartz.core.", "org.quartz.simpl.", "org.quartz.impl.",
            "io.netty.", "reactor.netty.", "io.undertow.", "org.xnio.", "org.jboss.threads.");

    /**
     * Housekeeping tasks (class names, or the prefix of a class's lambdas) of libraries whose other tasks are the
     * application's work (so not their whole package), periodic tasks of a pool made inside whichever task first
     * asks for the scheduler (often a request), whose child they would be, keeping its generation live for the
     * JVM's life: RxJava 3's io() evictor (made when the Schedulers class initializes) and Reactor's
     * boundedElastic evictor (its only Runnable lambda, BoundedServices::eviction; made at the first
     * Schedulers.boundedElastic()).
     */
    private static final List<String> HOUSEKEEPING = List.of(
            "io.reactivex.rxjava3.internal.schedulers.IoScheduler$CachedWorkerPool",
            "reactor.core.scheduler.BoundedElasticScheduler$$Lambda");

    static boolean isServerCode(Object task) {
        return SERVER_CODE.get(task.getClass());
    }

    /**
     * {@link #isServerCode} per class, computed once: it is asked at every one-shot schedule of a JDK scheduled
     * pool or a {@code Timer} (a task submission), where matching the name against every package each time
     * cost a loop of string comparisons. The cached value names no class, so it pins no generation.
     */
    private static final ClassValue<Boolean> SERVER_CODE = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            String name = Relocated.plainBinaryName(type.getName());
            return startsWithAny(name, SERVER_PACKAGES) || startsWithAny(name, HOUSEKEEPING);
        }
    };

    /**
     * Schedulers' tasks that are periodic by scheduling themselves again, one-shot, at the end of each run:
     * Spring's trigger tasks ({@code @Scheduled(cron)}, {@code TaskScheduler.schedule(task, trigger)}) on
     * {@code ThreadPoolTaskScheduler} and {@code SimpleAsyncTaskScheduler} (Spring 3.0 to 7).
     */
    private static final List<String> RESCHEDULING = List.of(
            "org.springframework.scheduling.concurrent.ReschedulingRunnable");

    static boolean isReschedulingTask(Object task) {
        return RESCHEDULING.contains(task.getClass().getName());
    }

    /**
     * Tasks of a scheduler that only hand a run on to another thread, where it runs inside Spring's error-handling
     * wrapper again and counts as the job run (DESIGN §2.12): {@code SimpleAsyncTaskScheduler}'s lambda that starts
     * a thread per run, which its trigger tasks' {@code ReschedulingRunnable} wraps (Spring 6.1 to 7).
     */
    private static final List<String> JOB_HAND_OFFS = List.of(
            "org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler$$Lambda");

    static boolean isJobHandOff(Object task) {
        return JOB_HAND_OFF.get(task.getClass());
    }

    /** {@link #isJobHandOff} per class, computed once (asked at each scheduled run). */
    private static final ClassValue<Boolean> JOB_HAND_OFF = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return startsWithAny(type.getName(), JOB_HAND_OFFS);
        }
    };

    private static boolean startsWithAny(String name, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What the agent knows it does not hook, by the class that shows it is used: said once, as that class loads, since
     * a request there would follow the current generation call by call (docs/SERVERS.md). None today: the WebSockets
     * of Tomcat, Jetty and Undertow, the last ones said here, are hooked.
     */
    static final java.util.Map<String, String> UNHOOKED = java.util.Map.of();

    /** A method of Jetty's {@code ServletChannel} of servlet layer {@code ee}, keyed by its state. */
    private static RequestMethod jettyServlet(String ee, String method, String descriptor, int mode) {
        return new RequestMethod("org.eclipse.jetty." + ee + ".servlet.ServletChannel", method, descriptor, mode, 0,
                "_state:Lorg/eclipse/jetty/" + ee + "/servlet/ServletChannelState;");
    }

    /**
     * The methods of Jetty 12's older servlet layers (ee8, javax; ee9, jakarta; both the "nested" layer, which
     * Jetty generates from one source) that keep a servlet request under its nested {@code HttpChannel}: one per
     * connection and context, reused, recycled when the core request completes. The request begins inside the
     * core request ({@code onRequest}); each later dispatch (AsyncContext.dispatch, an async timeout or error)
     * runs {@code handle} on a pool thread, as does the anonymous Runnable of AsyncContext.start.
     */
    private static List<RequestMethod> jettyNested(String ee) {
        String channel = "org/eclipse/jetty/" + ee + "/nested/HttpChannel";
        String name = channel.replace('/', '.');
        return List.of(
                new RequestMethod(name, "onRequest", "(Lorg/eclipse/jetty/" + ee
                        + "/nested/ContextHandler$CoreContextRequest;)V", Requests.BEGIN, 0),
                new RequestMethod(name, "handle", "()Z", Requests.RESUME, 0),
                new RequestMethod("org.eclipse.jetty." + ee + ".nested.AsyncContextState$1", "run", "()V",
                        Requests.RESUME, 0, "val$channel:L" + channel + ";"),
                new RequestMethod(name, "recycle", "()V", RequestMethod.END, 0));
    }

    /** The methods that dispatch a request or a job run, and those that end one. */
    static final List<RequestMethod> REQUESTS = concat(List.of(
            // Tomcat: one request from CoyoteAdapter.service to the recycling of its coyote Request;
            // an async servlet request comes back through asyncDispatch (on any container thread)
            new RequestMethod("org.apache.catalina.connector.CoyoteAdapter", "service",
                    "(Lorg/apache/coyote/Request;Lorg/apache/coyote/Response;)V", Requests.BEGIN, 1),
            new RequestMethod("org.apache.catalina.connector.CoyoteAdapter", "asyncDispatch",
                    "(Lorg/apache/coyote/Request;Lorg/apache/coyote/Response;"
                            + "Lorg/apache/tomcat/util/net/SocketEvent;)Z",
                    Requests.RESUME, 1),
            new RequestMethod("org.apache.coyote.Request", "recycle", "()V", RequestMethod.END, 0),
            // Tomcat's WebSockets (tomcat-embed-websocket 9-11): after the handshake, each message (or part, for a
            // partial handler) is handed to the application's handler from the connection's read, on a connector
            // thread; a whole message spanning several frames or reads is handed once, at its last frame
            new RequestMethod(TOMCAT_WS + "server.WsFrameServer", "sendMessageText", "(Z)V", Requests.MESSAGE, -1),
            new RequestMethod(TOMCAT_WS + "server.WsFrameServer", "sendMessageBinary", "(Ljava/nio/ByteBuffer;Z)V",
                    Requests.MESSAGE, -1),
            // and the rest of what the connection runs of the application's: a control frame (the pong handler,
            // onClose on a close frame), onOpen after the handshake, onError and onClose when a read fails
            new RequestMethod(TOMCAT_WS + "WsFrameBase", "processDataControl", "()Z", Requests.CALL, -1),
            new RequestMethod(TOMCAT_WS + "server.WsHttpUpgradeHandler", "init", null, Requests.CALL, -1),
            new RequestMethod(TOMCAT_WS + "server.WsHttpUpgradeHandler", "onError", "(Ljava/lang/Throwable;)V",
                    Requests.CALL, -1),
            new RequestMethod(TOMCAT_WS + "server.WsHttpUpgradeHandler", "close", null, Requests.CALL, -1),
            // and onClose wherever else the session closes: a session's idle timeout (on the timeouts' thread, a
            // loop), the connector's stop (on the stopping thread); inside any of the above it is part of that run
            new RequestMethod(TOMCAT_WS + "WsSession", "fireEndpointOnClose", null, Requests.CALL, -1),
            // Jetty 12's WebSockets (core, which Jetty's own API and the ee jakarta.websocket layers run on; Jetty 10
            // and 11 have the same class in core.internal): each frame handed to the application's frame handler,
            // where a message's handler runs at its last frame, from the connection's read on a pool thread
            new RequestMethod(JETTY_WS + "$IncomingAdaptor", "onFrame", null, Requests.MESSAGE, -1),
            new RequestMethod(JETTY_WS_10 + "$IncomingAdaptor", "onFrame", null, Requests.MESSAGE, -1),
            // and the session's onOpen, onError and onClosed, when not inside a frame's or the handshake's run
            new RequestMethod(JETTY_WS, "onOpen", "()V", Requests.CALL, -1),
            new RequestMethod(JETTY_WS, "closeConnection", null, Requests.CALL, -1),
            new RequestMethod(JETTY_WS_10, "onOpen", "()V", Requests.CALL, -1),
            new RequestMethod(JETTY_WS_10, "closeConnection", null, Requests.CALL, -1),
            // Undertow's WebSockets (undertow-core 2): each whole message a receive listener buffers is handed to the
            // application (onFullTextMessage; onFullBinaryMessage and its ping, pong and close) by a callback of
            // AbstractReceiveListener, on the connection's I/O thread, at the read that completes the message
            new RequestMethod(UNDERTOW_WS + "$1", "complete", null, Requests.MESSAGE, -1),
            new RequestMethod(UNDERTOW_WS + "$2", "complete", null, Requests.MESSAGE, -1),
            new RequestMethod(UNDERTOW_WS + "$1", "onError", null, Requests.CALL, -1),
            new RequestMethod(UNDERTOW_WS + "$2", "onError", null, Requests.CALL, -1),
            // Jetty 12: the handler tree's entry, on whichever thread the connection's strategy runs it; its response
            // (Jetty's ChannelResponse) is stamped with the generation and the start, and the request counts with
            // its status where the channel completes it (JettyCoreHooks), servlet requests too
            new RequestMethod("org.eclipse.jetty.server.Server", "handle",
                    "(Lorg/eclipse/jetty/server/Request;Lorg/eclipse/jetty/server/Response;"
                            + "Lorg/eclipse/jetty/util/Callback;)Z", Requests.STAMP, 2),
            // Jetty 12: a response's write (every wrapper delegates to the channel's response, which is the write's
            // callback to the connection): what the writing request hands it runs, once the bytes are sent, on
            // whichever thread completes the write, in succeeded() or failed()
            new RequestMethod(JETTY_RESPONSE, "write", "(ZLjava/nio/ByteBuffer;Lorg/eclipse/jetty/util/Callback;)V",
                    Requests.KEEP, 0),
            new RequestMethod(JETTY_RESPONSE, "succeeded", "()V", Requests.RESUME_KEPT, 0),
            new RequestMethod(JETTY_RESPONSE, "failed", "(Ljava/lang/Throwable;)V", Requests.RESUME_KEPT, 0),
            // Jetty 9.4 to 11 (a class there, an interface in Jetty 12, whose abstract methods are not wrapped): a
            // request is its connection's HttpChannel, reused, from the first handle() on a pool thread, through
            // each later dispatch (handle() again: AsyncContext.dispatch, async timeouts and errors) and the
            // anonymous Runnable of AsyncContext.start, until the connection recycles the channel once the
            // request completes
            new RequestMethod("org.eclipse.jetty.server.HttpChannel", "handle", "()Z", Requests.RESUME, 0),
            new RequestMethod("org.eclipse.jetty.server.AsyncContextState$1", "run", "()V", Requests.RESUME, 0,
                    "val$channel:Lorg/eclipse/jetty/server/HttpChannel;"),
            new RequestMethod("org.eclipse.jetty.server.HttpChannel", "recycle", "()V", RequestMethod.END, 0),
            // Jetty 12 servlets (ee10, ee11: the same classes): a servlet request is kept under its channel's
            // state (ServletChannelState, one per ServletChannel, which is reused and recycled at each
            // request's completion, also a failed or aborted one); it begins inside the core request, where
            // the channel is associated with it, and each later dispatch (AsyncContext.dispatch, an async
            // timeout or error, async I/O callbacks) runs ServletChannel.handle on a pool thread, as does
            // the Runnable of AsyncContext.start (its lambda in AsyncContextState)
            jettyServlet("ee10", "associate", "(Lorg/eclipse/jetty/ee10/servlet/ServletContextRequest;)V",
                    Requests.BEGIN),
            jettyServlet("ee10", "handle", "()V", Requests.RESUME),
            new RequestMethod("org.eclipse.jetty.ee10.servlet.AsyncContextState", "lambda$start$0",
                    "(Ljava/lang/Runnable;)V", Requests.RESUME, 0,
                    "_state:Lorg/eclipse/jetty/ee10/servlet/ServletChannelState;"),
            new RequestMethod("org.eclipse.jetty.ee10.servlet.ServletChannelState", "recycle", "()V",
                    RequestMethod.END, 0),
            jettyServlet("ee11", "associate", "(Lorg/eclipse/jetty/ee11/servlet/ServletContextRequest;)V",
                    Requests.BEGIN),
            jettyServlet("ee11", "handle", "()V", Requests.RESUME),
            new RequestMethod("org.eclipse.jetty.ee11.servlet.AsyncContextState", "lambda$start$0",
                    "(Ljava/lang/Runnable;)V", Requests.RESUME, 0,
                    "_state:Lorg/eclipse/jetty/ee11/servlet/ServletChannelState;"),
            new RequestMethod("org.eclipse.jetty.ee11.servlet.ServletChannelState", "recycle", "()V",
                    RequestMethod.END, 0),
            // Undertow 2 (HTTP/1, HTTP/2, AJP): the root handler runs on the I/O thread, and again on a worker
            // (or any executor) for each exchange.dispatch; the exchange ends when its completion listeners
            // are invoked, once, after both its request and its response are done (endExchange may return
            // with the response still flushing, or hand the exchange to a default response listener)
            new RequestMethod("io.undertow.server.Connectors", "executeRootHandler",
                    "(Lio/undertow/server/HttpHandler;Lio/undertow/server/HttpServerExchange;)V", Requests.RESUME, 2),
            new RequestMethod("io.undertow.server.HttpServerExchange", "invokeExchangeCompleteListeners", "()V",
                    RequestMethod.END, 0),
            // Netty 4.1/4.2 (so Reactor Netty, Spring WebFlux and Vert.x): a request is a series of events of
            // its channel (see NettyHooks, which begins and answers requests in codec-http); each inbound
            // event runs bound to the channel's newest request in flight, and the channel's unregistration
            // (after its close) ends those not answered
            new RequestMethod("io.netty.channel.DefaultChannelPipeline", "fireChannelRead", null,
                    Requests.CONNECTION, 0),
            new RequestMethod("io.netty.channel.DefaultChannelPipeline", "fireChannelReadComplete", null,
                    Requests.CONNECTION, 0),
            new RequestMethod("io.netty.channel.DefaultChannelPipeline", "fireUserEventTriggered", null,
                    Requests.CONNECTION, 0),
            new RequestMethod("io.netty.channel.DefaultChannelPipeline", "fireExceptionCaught", null,
                    Requests.CONNECTION, 0),
            new RequestMethod("io.netty.channel.DefaultChannelPipeline", "fireChannelWritabilityChanged", null,
                    Requests.CONNECTION, 0),
            new RequestMethod("io.netty.channel.DefaultChannelPipeline", "fireChannelInactive", null,
                    Requests.CONNECTION, 0),
            new RequestMethod("io.netty.channel.DefaultChannelPipeline", "fireChannelUnregistered", null,
                    RequestMethod.END, 0),
            // Netty's HTTP/2 (4.1/4.2): a stream a client opens is a request, begun at its first frame (see
            // NettyHttp2Hooks) and ended when the stream's close returns, after its listeners ran: the stream
            // channel's last read and its close (Http2MultiplexHandler's), which a reset brings, run on the request
            new RequestMethod("io.netty.handler.codec.http2.DefaultHttp2Connection$DefaultStream", "close",
                    "(Ljava/util/Iterator;)Lio/netty/handler/codec/http2/Http2Stream;", RequestMethod.END_AFTER, 0),
            // Quartz: a job run's shell makes the job on the scheduler thread, then runs it on a worker
            new RequestMethod("org.quartz.core.JobRunShell", "initialize", "(Lorg/quartz/core/QuartzScheduler;)V",
                    Requests.BEGIN, 0),
            new RequestMethod("org.quartz.core.JobRunShell", "run", "()V", Requests.RESUME_END, 0),
            // Quartz's job shell catches whatever the job's execute throws (a JobExecutionException, or any other
            // Throwable, which it wraps in one) and passes it, or null, to its job listeners: a job run's outcome
            new RequestMethod("org.quartz.core.JobRunShell", "notifyJobListenersComplete",
                    "(Lorg/quartz/JobExecutionContext;Lorg/quartz/JobExecutionException;)Z",
                    RequestMethod.JOB_ENDED, 2),
            // The JDK's HttpServer: one Exchange per request, run on the dispatcher thread when the
            // server has no executor (with one, it is a task of that executor already)
            new RequestMethod("sun.net.httpserver.ServerImpl$Exchange", "run", "()V", Requests.CALL, -1),
            // and its status, when the handler sends it (sendResponseHeaders returns normally once per exchange)
            new RequestMethod("sun.net.httpserver.ExchangeImpl", "sendResponseHeaders", "(IJ)V",
                    RequestMethod.RESPONDED, 1)), jettyNested("ee8"), jettyNested("ee9"));

    /** One list of {@code lists} (no stream: this runs in premain, where each lambda spins a class). */
    @SafeVarargs
    private static <T> List<T> concat(List<T>... lists) {
        List<T> all = new java.util.ArrayList<>();
        for (List<T> list : lists) {
            all.addAll(list);
        }
        return List.copyOf(all);
    }

    /**
     * How each server's kept request shows its response status when it ends (DESIGN §4, "Outcomes"): the class of
     * the key of the request method that ends it, and the public no-argument methods that lead from the key to
     * the status, an {@code int}. Read through method handles (see {@link ResponseStatuses}), never linked.
     */
    static final java.util.Map<String, List<String>> STATUSES = java.util.Map.of(
            // Tomcat: the coyote Request recycles before its Response (Http11 and HTTP/2 processors alike)
            "org.apache.coyote.Request", List.of("getResponse", "getStatus"),
            // Undertow: the exchange, whose completion listeners run once it is answered
            "io.undertow.server.HttpServerExchange", List.of("getStatusCode"),
            // Jetty 9.4 to 11 (the key is a subclass per protocol, HttpChannelOverHttp): the channel recycles its
            // request and response after this. Jetty 12's requests, servlet ones too, count as core requests where
            // the channel completes them (JettyCoreHooks), so its servlet layers' keys read none here
            "org.eclipse.jetty.server.HttpChannel", List.of("getResponse", "getStatus"));
}
