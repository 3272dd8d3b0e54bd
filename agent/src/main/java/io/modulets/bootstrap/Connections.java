package io.modulets.bootstrap;

/**
 * The requests of a connection whose server has no method that runs one whole request (Netty, DESIGN
 * §2.1, "requests and jobs"): a request there is a series of events of its connection (its head, its
 * body's chunks, the write of its response), run on an event loop shared with other connections, and
 * HTTP/1.1 pipelining puts several requests of one connection in flight at once.
 *
 * <p>Each connection keeps its requests begun and not yet answered, oldest first. A request begins
 * when its head is decoded ({@link #begin}): it gets a root task's binding, counted live until its
 * response is written in full ({@link #written}), when its status counts with its latency (DESIGN §2.12), or its
 * connection closes ({@link #closed}), when it counts as no request. The
 * connection's inbound events run inside {@link #enter}/{@link #exit}: bound to its newest request,
 * the one being read (responses are written in the order the requests came, so the oldest is the one
 * being answered). A head decoded during an event rebinds the thread to the new request at once, so
 * the request read next in the same event (two pipelined requests in one read) never runs on the
 * previous one's binding. A connection is keyed by an object that lives as long as it (Netty's
 * channel pipeline); one collected without a close stops counting its requests (§2.7).
 */
public final class Connections {
    /** Each connection's requests begun and not yet answered, by connection. */
    private static final WeakIdentityMap<InFlight> OPEN = new WeakIdentityMap<>(InFlight::releaseAll);

    /**
     * A connection's requests in flight, oldest first: each one's binding and when it began, in two rings that
     * grow only when more requests are pipelined than they hold (in place of a deque, whose array and node-free
     * ring cost the same). Netty runs a connection's events on one thread, but an application may fire one from
     * elsewhere: guarded by itself.
     */
    static final class InFlight {
        private ClassLoader[] bindings = new ClassLoader[4];
        private long[] starts = new long[4];
        /** The oldest request's index, and how many there are. */
        private int first;
        private int size;
        /** The response being written is informational (1xx): its end is not the request's. */
        private boolean informational;
        /** The status of the response being written (its head), or -1 before its head. */
        private int status = -1;

        synchronized void add(ClassLoader binding, long start) {
            if (size == bindings.length) {
                grow();
            }
            int at = (first + size) & (bindings.length - 1);
            bindings[at] = binding;
            starts[at] = start;
            size++;
        }

        private void grow() {
            ClassLoader[] moreBindings = new ClassLoader[bindings.length * 2];
            long[] moreStarts = new long[bindings.length * 2];
            for (int i = 0; i < size; i++) {
                int at = (first + i) & (bindings.length - 1);
                moreBindings[i] = bindings[at];
                moreStarts[i] = starts[at];
            }
            bindings = moreBindings;
            starts = moreStarts;
            first = 0;
        }

        synchronized ClassLoader newest() {
            return size == 0 ? null : bindings[(first + size - 1) & (bindings.length - 1)];
        }

        /** A response head of status {@code status} is written. */
        synchronized void head(int status) {
            informational = status >= 100 && status < 200 && status != 101; // 101: the request is answered
            this.status = status;
        }

        /**
         * The last content of a response is written: the oldest request is answered, unless informational; its
         * status counts for its generation with its latency, from its head's decoding to now (DESIGN §2.12).
         */
        synchronized ClassLoader answered() {
            boolean ends = !informational;
            int answeredWith = status;
            informational = false;
            status = -1;
            if (!ends || size == 0) {
                return null;
            }
            long start = starts[first];
            ClassLoader binding = poll();
            if (answeredWith > 0 && binding instanceof GenerationLoader) {
                ((GenerationLoader) binding).outcomes().answered(answeredWith, System.nanoTime() - start);
            }
            return binding;
        }

        synchronized int size() {
            return size;
        }

        void releaseAll() {
            for (ClassLoader binding; (binding = pollSynchronized()) != null; ) {
                PendingTasks.release(binding);
            }
        }

        private synchronized ClassLoader pollSynchronized() {
            return poll();
        }

        private ClassLoader poll() {
            if (size == 0) {
                return null;
            }
            ClassLoader binding = bindings[first];
            bindings[first] = null;
            first = (first + 1) & (bindings.length - 1);
            size--;
            return binding;
        }
    }

    /** One event of a connection on this thread: what {@link #exit} undoes. */
    static final class Event {
        final Object connection;
        final Event outer;
        /** The state of the thread that runs it, where it is the innermost event until it exits. */
        final ThreadState thread;
        /** Whether this event may bind the thread (it was unbound when the event began). */
        final boolean owns;
        /** The request the thread runs now, or null. */
        ClassLoader binding;
        /** The thread's binding to it. */
        private Scope scope;

        Event(Object connection, Event outer, boolean owns, ThreadState thread) {
            this.connection = connection;
            this.outer = outer;
            this.owns = owns;
            this.thread = thread;
        }

        /** Binds the thread to {@code next} (null: unbound), ending the run of the binding before. */
        void rebind(ClassLoader next) {
            if (next == binding) {
                return;
            }
            if (binding != null) {
                scope.close();
                scope = null;
                PendingTasks.release(binding);
            }
            binding = next;
            if (next != null) {
                PendingTasks.count(next); // live while the event runs, whether or not its request has ended
                scope = Scope.run(next);
            }
        }

        /** The event threw {@code failure}: the run of the request it was bound to failed. */
        void failed(Throwable failure) {
            if (scope != null) {
                scope.failed(failure);
            }
        }
    }

    private Connections() {
    }

    /**
     * An inbound event of {@code connection} begins on this thread: binds an unbound thread to the
     * connection's newest request in flight, if any. Returns what {@link #exit} needs, or null if the
     * event is part of what the thread runs already (a task, or an event of the same connection).
     */
    public static Object enter(Object connection) {
        if (connection == null) {
            return null;
        }
        ThreadState thread = ThreadState.current();
        Event outer = thread.entered;
        if (outer == null ? thread.bound != null : outer.connection == connection) {
            return null;
        }
        // an event of another connection inside this one's (a proxy's) has its own requests, but the
        // thread stays with the event around it
        Event event = new Event(connection, outer, outer == null, thread);
        thread.entered = event;
        if (event.owns) {
            InFlight inFlight = OPEN.get(connection);
            event.rebind(inFlight == null ? null : inFlight.newest());
        }
        return event;
    }

    /** The event of {@link #enter} is over: unbinds what it bound. */
    public static void exit(Object entered) {
        if (entered == null) {
            return;
        }
        Event event = (Event) entered;
        event.rebind(null);
        event.thread.entered = event.outer;
    }

    /**
     * A message head was decoded in the connection event this thread runs; {@code request}: it is a
     * request's (a client's decoder reads responses: nothing begins). The request begins, bound to the
     * generation current now (or a canary's draw), and the thread runs it from here.
     */
    public static void begin(boolean request) {
        Event event = request ? ThreadState.current().entered : null;
        if (event == null) {
            return; // decoded outside a connection's event: no connection to keep it under
        }
        ClassLoader binding = Bindings.rootBinding();
        if (binding == null) {
            return;
        }
        InFlight inFlight = OPEN.get(event.connection);
        if (inFlight == null) {
            inFlight = new InFlight();
            OPEN.put(event.connection, inFlight);
        }
        PendingTasks.count(binding);
        inFlight.add(binding, System.nanoTime());
        if (event.owns) {
            event.rebind(binding);
        }
    }

    /**
     * A WebSocket frame is being decoded in the connection event this thread runs (Netty's frame decoder): on a
     * connection with no HTTP request in flight (its upgrade answered), the frame is a root task, bound to the
     * generation current now (or a canary's draw) for the rest of the event or until the next frame; what its
     * handlers submit is its child. A frame read in the event of a request still in flight is part of it.
     */
    public static void frame() {
        Event event = ThreadState.current().entered;
        if (event == null || !event.owns) {
            return;
        }
        InFlight inFlight = OPEN.get(event.connection);
        if (inFlight == null || inFlight.newest() == null) {
            event.rebind(Bindings.rootBinding());
        }
    }

    /**
     * A response (part) is written on {@code connection}: {@code status} is the status of its head, or -1
     * for content only; {@code last}: it is the response's last content, so its request (the oldest in
     * flight) is answered and stops counting, unless the response was informational (100 Continue).
     */
    public static void written(int status, boolean last, Object connection) {
        InFlight inFlight = connection == null ? null : OPEN.get(connection);
        if (inFlight == null) {
            return;
        }
        if (status >= 0) {
            inFlight.head(status);
        }
        if (last) {
            PendingTasks.release(inFlight.answered());
        }
    }

    /** {@code connection} is closed: its requests not yet answered stop counting. */
    public static void closed(Object connection) {
        InFlight inFlight = connection == null ? null : OPEN.remove(connection);
        if (inFlight != null) {
            inFlight.releaseAll();
        }
    }

    /** The requests in flight on {@code connection}, for tests and diagnostics. */
    static int inFlight(Object connection) {
        InFlight inFlight = OPEN.get(connection);
        return inFlight == null ? 0 : inFlight.size();
    }
}
