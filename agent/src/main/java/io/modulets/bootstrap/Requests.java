package io.modulets.bootstrap;

import java.util.function.Predicate;

/**
 * The unit of work of a server or a scheduler: a request, a job run (DESIGN §2.1, "requests and
 * jobs"). The threads of a server only loop and hand out work, so they are never bound; a method that
 * marks where a request or job runs is bound instead, for its outermost call on an unbound thread.
 *
 * <p>The capture transformer wraps such a method (it renames the original and calls it between
 * {@link #enter} and {@link #exit}). A method on a thread that is already bound (a request handled
 * inside a task, a nested call) is part of what runs there and binds nothing.
 *
 * <p>A request that continues after its first method returns (a servlet's async dispatch, a job
 * created on the scheduler thread and run on a worker) is keyed by an object that lives as long as
 * the request (the server's request, the job's run shell): {@link #BEGIN} draws its binding (or, on a
 * thread already bound, takes that thread's) and keeps it under the key, {@link #RESUME} binds to the
 * kept one, and {@link #end} forgets the key. The request is counted live from its beginning to its
 * end, so its generation drains until then; a key collected without an end stops counting (§2.7).
 */
public final class Requests {
    /** Binds for the call only: the request begins and ends with the method. */
    public static final int CALL = 0;
    /**
     * A request begins under the key: a new binding (a root task's), kept until {@link #end}; on a bound
     * thread, the binding of the task that runs it, kept the same way (it binds nothing for the call).
     */
    public static final int BEGIN = 1;
    /** The request of the key goes on: its kept binding, or, with none, as {@link #BEGIN}. */
    public static final int RESUME = 2;
    /** As {@link #RESUME}, and the request ends when the method returns or throws. */
    public static final int RESUME_END = 3;
    /**
     * An event of the connection of the key (Netty's channel pipeline): bound to the connection's newest
     * request in flight, see {@link Connections}.
     */
    public static final int CONNECTION = 4;
    /**
     * Not a request method: a request's thread hands the server a callback that the server keeps under the key and
     * runs later (Jetty core's {@code Response.write}, whose callback runs once the bytes are sent). On a bound
     * thread its binding is kept under the key until {@link #RESUME_KEPT}; on an unbound thread (the server's own
     * writes) nothing is.
     */
    public static final int KEEP = 5;
    /**
     * The server runs what it kept under the key ({@link #KEEP}): bound, for the call, to the binding kept there,
     * which it takes (a callback that keeps the key again, as a write made from a write's callback does, keeps its
     * own); with none kept, nothing is bound.
     */
    public static final int RESUME_KEPT = 6;
    /**
     * A message that a connection hands the application (a WebSocket message of Tomcat, Jetty or Undertow): a root
     * task for the call, also on a thread already bound. A message is work that arrived on its own: one read in the
     * request that upgraded its connection, or in the dispatch of the message before it (Jetty can read the next
     * frame there), is no part of them, and runs the generation current when it is dispatched.
     */
    public static final int MESSAGE = 7;
    /**
     * Binds for the call only, as {@link #CALL}, for a request that goes on after the call until its server completes
     * it (Jetty 12's core requests: {@code Server.handle}, answered later from a callback on any thread): the key, the
     * server's own object of the request ({@link StampedRequest}), is stamped with the generation's outcomes and the
     * start, and {@link #stampedEnded} counts it where the server completes it. On a bound thread it binds nothing and
     * the request counts for the thread's generation.
     */
    public static final int STAMP = 8;
    /**
     * Frames of an HTTP/2 stream that the server delivers outside its frame listener (the reads of a stream channel
     * paused while its frames arrived, done later; the end of such a read): bound to the request kept under the key,
     * the stream, also on a thread bound to another (a frame is its stream's, whoever reads it); nothing is bound if
     * the stream is no request in flight.
     */
    public static final int STREAM = 9;

    /**
     * Reads the response status of a kept request from its key, as the request ends (DESIGN §4, "Outcomes"), or
     * -1 where the key's server exposes none; set once by the agent, which knows the servers' classes by name.
     */
    public interface StatusReader {
        int status(Object key);
    }

    /** The agent's status reader; until it is set, no status is read. */
    public static volatile StatusReader statusReader = NoHook.instance();

    /** The binding of each request begun and not yet ended, and when it began, by key. */
    private static final KeptRequests KEPT = new KeptRequests();

    /** {@link Entered#endsKey} of a request method that binds for the call only and whose run times the request. */
    private static final Object TIMED_CALL = new Object();
    /** What {@link #enter} returns for a request method inside a task whose run now times it: no scope, no key. */
    private static final Entered TIMED_IN_TASK = new Entered(null, null, TIMED_CALL);

    /** What {@link #enter} bound, for {@link #exit}: the scope and the binding it counted, or none; the key it ends. */
    static final class Entered {
        final Scope scope;
        final ClassLoader binding;
        final Object endsKey;

        Entered(Scope scope, ClassLoader binding, Object endsKey) {
            this.scope = scope;
            this.binding = binding;
            this.endsKey = endsKey;
        }
    }

    private Requests() {
    }

    /**
     * At the entry of a request method: binds an unbound thread to the request's generation and starts
     * a task run. Returns what {@link #exit} needs, or null if it bound nothing.
     */
    public static Object enter(Object key, int mode) {
        if (mode == CONNECTION) {
            return Connections.enter(key);
        }
        if (mode == KEEP) {
            return keepCallback(key);
        }
        if (mode == RESUME_KEPT) {
            return resumeKept(key);
        }
        if (mode == MESSAGE) {
            return message();
        }
        if (mode == STAMP) {
            return stamp(key);
        }
        if (mode == STREAM) {
            return streamFrames(key);
        }
        ClassLoader bound = Bindings.bound();
        if (bound != null) {
            if (mode == BEGIN && key != null) {
                // inside a task already: part of it, and what resumes it later under the key resumes that
                // binding (a servlet layer that keeps its own request inside the server's, as Jetty's does)
                keep(key, bound);
            }
            // a request that ends here still ends
            if (mode == RESUME_END && key != null) {
                return new Entered(null, null, key);
            }
            // a request method run inside a task (the JDK's HttpServer's exchange, a task of the server's executor):
            // the task's run times the request, unless it times one already
            return mode == CALL && TaskRuns.requestBegins() ? TIMED_IN_TASK : null;
        }
        ClassLoader binding = mode == CALL || key == null ? Bindings.rootBinding() : kept(key, mode);
        if (binding == null) {
            return null;
        }
        PendingTasks.count(binding); // live while this call runs, whether or not the key still holds it
        Scope scope = Scope.run(binding);
        Object endsKey = mode == RESUME_END ? key : mode == CALL && TaskRuns.requestBegins() ? TIMED_CALL : null;
        return new Entered(scope, binding, endsKey);
    }

    /**
     * A frame of an HTTP/2 stream read on a connection ({@code server}: one a client opened on a server's
     * connection; a client's own streams are no request). The stream is the request's key: its first frame
     * begins it (on a thread already bound, it keeps that binding), every later one resumes it, and its close
     * ends it. Returns what {@link #exit} needs, or null if it bound nothing.
     */
    public static Object enterStream(boolean server, Object stream) {
        if (!server || stream == null) {
            return null;
        }
        return enter(stream, Bindings.bound() != null && !KEPT.containsKey(stream) ? BEGIN : RESUME);
    }

    /**
     * A server's connection writes the HEADERS of {@code stream} with {@code status}, its {@code :status} (null in
     * trailers): the first final status (not an informational 1xx) is the response's, kept with the stream's request
     * and counted when the stream closes. A client's streams ({@code server} false) are no request.
     */
    public static void streamHeaders(boolean server, Object stream, CharSequence status) {
        if (!server || stream == null || status == null) {
            return;
        }
        int code = statusCode(status);
        if (code >= 200) {
            KeptRequests.Kept kept = KEPT.get(stream);
            if (kept != null && kept.status == 0) {
                kept.status = code;
            }
        }
    }

    /** A status of three digits, or -1. */
    private static int statusCode(CharSequence status) {
        if (status.length() != 3) {
            return -1;
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char c = status.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            code = code * 10 + (c - '0');
        }
        return code;
    }

    /**
     * A server's connection was upgraded to HTTP/2 by an HTTP/1 request ({@code h2c}), which goes on as the
     * connection's {@code stream} 1: that stream is the same request, kept under the stream with the binding of the
     * request that upgraded it (the running thread's, in the connection's read event; unbound, a root task's) until
     * the stream closes. Its frames, and what the server does with it later, resume that binding.
     */
    public static void upgraded(Object stream) {
        if (stream == null || KEPT.containsKey(stream)) {
            return;
        }
        ClassLoader bound = Bindings.bound();
        ClassLoader binding = bound != null ? bound : Bindings.rootBinding();
        if (binding != null) {
            keep(stream, binding);
        }
    }

    private static Object streamFrames(Object stream) {
        KeptRequests.Kept kept = stream == null ? null : KEPT.get(stream);
        if (kept == null || kept.binding == Bindings.bound()) {
            return null;
        }
        PendingTasks.count(kept.binding); // live while the frames run, whether or not the stream closes meanwhile
        return new Entered(Scope.run(kept.binding), kept.binding, null);
    }

    private static Object message() {
        ClassLoader binding = Bindings.rootBinding();
        if (binding == null) {
            return null;
        }
        PendingTasks.count(binding);
        return new Entered(Scope.run(binding), binding, null);
    }

    private static Object stamp(Object key) {
        ClassLoader bound = Bindings.bound();
        if (bound != null) {
            stamp(key, bound); // part of the task that runs it, and counted for that task's generation
            return null;
        }
        ClassLoader binding = Bindings.rootBinding();
        if (binding == null) {
            return null;
        }
        stamp(key, binding);
        PendingTasks.count(binding);
        return new Entered(Scope.run(binding), binding, null);
    }

    private static void stamp(Object key, ClassLoader binding) {
        if (key instanceof StampedRequest && binding instanceof GenerationLoader) {
            ((StampedRequest) key).modulets$begin(((GenerationLoader) binding).outcomes(), System.nanoTime());
        }
    }

    /**
     * The server completes the request of {@code key}, stamped at its beginning ({@link #STAMP}): it counts, once,
     * with its status and its latency, if its response was sent ({@code answered}: a request that ends with none, its
     * connection failed before it, is not counted); one never stamped (no generation ran it) does not.
     */
    public static void stampedEnded(Object key, boolean answered) {
        if (key instanceof StampedRequest) {
            StampedRequest request = (StampedRequest) key;
            TaskOutcomes outcomes = request.modulets$end();
            if (outcomes != null && answered) {
                int status = request.modulets$status();
                if (status > 0) {
                    outcomes.answered(status, System.nanoTime() - request.modulets$start());
                }
            }
        }
    }

    private static Object keepCallback(Object key) {
        ClassLoader bound = Bindings.bound();
        if (bound != null && key != null) {
            keep(key, bound);
        }
        return null;
    }

    private static Object resumeKept(Object key) {
        KeptRequests.Kept kept = key == null ? null : KEPT.remove(key);
        if (kept == null) {
            return null;
        }
        if (Bindings.bound() != null) {
            // run at once on the thread that kept it (a write done before it returned): part of what runs there
            PendingTasks.release(kept.binding);
            return null;
        }
        // the kept count is this call's now: exit releases it
        return new Entered(Scope.run(kept.binding), kept.binding, null);
    }

    private static ClassLoader kept(Object key, int mode) {
        KeptRequests.Kept kept = mode == BEGIN ? null : KEPT.get(key);
        if (kept != null) {
            return kept.binding;
        }
        ClassLoader binding = Bindings.rootBinding();
        if (binding != null) {
            keep(key, binding);
        }
        return binding;
    }

    private static void keep(Object key, ClassLoader binding) {
        PendingTasks.count(binding);
        // a key reused without an end (a recycled request object) ends the request it held
        KeptRequests.Kept ended = KEPT.put(key, binding);
        if (ended != null) {
            PendingTasks.release(ended.binding);
        }
    }

    /** When the request method returns: unbinds, ends the run, and ends the request if the method does. */
    public static void exit(Object scope) {
        if (scope == null) {
            return;
        }
        if (scope instanceof Connections.Event) {
            Connections.exit(scope);
            return;
        }
        Entered entered = (Entered) scope;
        if (entered.endsKey == TIMED_CALL) {
            TaskRuns.requestEnds(); // before the scope ends the run that times it
        }
        if (entered.scope != null) {
            entered.scope.close();
            PendingTasks.release(entered.binding);
        }
        if (entered.endsKey != null && entered.endsKey != TIMED_CALL) {
            end(entered.endsKey);
        }
    }

    /** When the request method throws {@code failure}: the run failed; then as {@link #exit}. */
    public static void exitFailed(Object scope, Throwable failure) {
        if (scope instanceof Connections.Event) {
            ((Connections.Event) scope).failed(failure);
        } else if (scope != null && ((Entered) scope).scope != null) {
            ((Entered) scope).scope.failed(failure);
        }
        exit(scope);
    }

    /**
     * The request of {@code key} is over (the server recycles its request object), or the connection of
     * {@code key} is closed (its requests not yet answered are over): stop counting them.
     */
    public static void end(Object key) {
        if (key != null) {
            KeptRequests.Kept kept = KEPT.remove(key);
            if (kept != null) {
                answered(kept, key);
                PendingTasks.release(kept.binding);
            }
            Connections.closed(key);
        }
    }

    /**
     * The request of {@code key} ends: its status counts, where its server told one ({@link #streamHeaders}) or its
     * key has one, with its latency, from its beginning to now.
     */
    private static void answered(KeptRequests.Kept kept, Object key) {
        ClassLoader binding = kept.binding;
        if (binding instanceof GenerationLoader) {
            int status = kept.status;
            try {
                status = status > 0 ? status : statusReader.status(key);
            } catch (Throwable unread) {
                return; // the server's request end goes on, uncounted
            }
            if (status > 0) {
                ((GenerationLoader) binding).outcomes().answered(status, System.nanoTime() - kept.start);
            }
        }
    }

    /**
     * The running thread's request was answered with {@code status}: where a server sets its status in one call
     * that a hook follows (the JDK's HttpServer) rather than on the request's key. Counted for the thread's binding:
     * when its request method returns, with the request's latency, if the thread's run times the request; at once,
     * untimed, if not.
     */
    public static void responded(int status) {
        if (status > 0 && TaskRuns.responded(status)) {
            return;
        }
        ClassLoader bound = Bindings.bound();
        if (bound instanceof GenerationLoader && status > 0) {
            ((GenerationLoader) bound).outcomes().answered(status);
        }
    }

    /**
     * The running thread's job run ended (Quartz's job shell, after the job's {@code execute}): failed if the
     * scheduler caught {@code failure} from it, which it passes on to its listeners. Counted for the thread's
     * binding, which the job run's own request method set.
     */
    public static void jobEnded(Object failure) {
        ClassLoader bound = Bindings.bound();
        if (bound instanceof GenerationLoader) {
            ((GenerationLoader) bound).outcomes().jobEnded(failure == null ? null : failure.getClass().getName());
        }
    }

    /**
     * The tasks of a scheduler that only hand a run to another thread, where it runs inside a wrapper of its own
     * (Spring's {@code SimpleAsyncTaskScheduler}: its trigger task starts a thread per run); set once by the agent.
     */
    public static volatile Predicate<Object> jobHandOff = NoHook.instance();

    /**
     * A run of a scheduler's {@code task} ended (Spring's error-handling wrapper, after the task returned, or as it
     * hands {@code failure}, the exception the task threw, to the scheduler's error handler): a job run of the
     * thread's binding, as {@link #jobEnded}, unless the task only handed the run on ({@link #jobHandOff}).
     */
    public static void scheduledRunEnded(Object failure, Object task) {
        if (task != null && !jobHandOff.test(task)) {
            jobEnded(failure);
        }
    }

    /** Requests begun and not ended, with their bindings, for diagnostics. */
    static String describe() {
        StringBuilder out = new StringBuilder();
        KEPT.forEach((key, binding) -> out.append(key.getClass().getName()).append('=').append(binding)
                .append("; "));
        return out.toString();
    }
}
