package sv;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import kotlin.ResultKt;
import kotlin.Unit;
import kotlin.coroutines.Continuation;
import kotlin.coroutines.CoroutineContext;
import kotlin.coroutines.intrinsics.IntrinsicsKt;
import kotlin.coroutines.jvm.internal.ContinuationImpl;
import kotlin.jvm.functions.Function2;
import kotlinx.coroutines.BuildersKt;
import kotlinx.coroutines.CoroutineScope;
import kotlinx.coroutines.CoroutineStart;
import kotlinx.coroutines.DelayKt;
import kotlinx.coroutines.Dispatchers;
import kotlinx.coroutines.ExecutorsKt;
import kotlinx.coroutines.GlobalScope;

/**
 * A Kotlin server as a new user writes it: the JDK's HttpServer, each request handled in a coroutine that reads
 * the swappable version, suspends in {@code delay}, reads it again (and holds there, for a unit named hold-*),
 * suspends again and reads it at its end, then answers. The path names the coroutine's dispatcher: /default,
 * /io, /pool (an application pool's {@code asCoroutineDispatcher()}), /virtual (virtual threads, JDK 21+).
 *
 * <p>Written in Java against kotlinx's public API: the coroutine's body is the state machine that kotlinc makes
 * of a suspend lambda (a {@link ContinuationImpl} whose {@code invokeSuspend} goes on at its label), so the
 * test build needs no Kotlin compiler. The handler returns at once; the coroutine answers.
 */
public final class CoroutineApp {
    public static void main(String[] args) throws Exception {
        Map<String, CoroutineContext> dispatchers = new java.util.HashMap<>();
        dispatchers.put("/default", Dispatchers.getDefault());
        dispatchers.put("/io", Dispatchers.getIO());
        ExecutorService pool = Executors.newCachedThreadPool();
        dispatchers.put("/pool", ExecutorsKt.from(pool));
        if (Runtime.version().feature() >= 21) {
            ExecutorService virtual = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
                    .invoke(null);
            dispatchers.put("/virtual", ExecutorsKt.from(virtual));
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            String id = query.substring(query.indexOf("id=") + 3);
            CoroutineContext dispatcher = dispatchers.get(exchange.getRequestURI().getPath());
            BuildersKt.launch(GlobalScope.INSTANCE, dispatcher, CoroutineStart.DEFAULT, new Serve(exchange, id));
        });
        server.start();
        System.out.println("ready " + server.getAddress().getPort());
        Gates.commands(line -> { });
        server.stop(0);
        pool.shutdown();
    }

    /** The coroutine's block: {@code suspend CoroutineScope.() -> Unit}. */
    private static final class Serve implements Function2<CoroutineScope, Continuation<? super Unit>, Object> {
        private final HttpExchange exchange;
        private final String id;

        Serve(HttpExchange exchange, String id) {
            this.exchange = exchange;
            this.id = id;
        }

        @Override
        public Object invoke(CoroutineScope scope, Continuation<? super Unit> completion) {
            @SuppressWarnings("unchecked")
            Continuation<Object> caller = (Continuation<Object>) completion;
            return new Steps(caller, exchange, id).invokeSuspend(Unit.INSTANCE);
        }
    }

    /** What kotlinc makes of the block: read, delay, read again and hold, delay, read at the end, answer. */
    private static final class Steps extends ContinuationImpl {
        private final HttpExchange exchange;
        private final String id;
        private int label;
        private String first;
        private String start;

        Steps(Continuation<Object> completion, HttpExchange exchange, String id) {
            super(completion);
            this.exchange = exchange;
            this.id = id;
        }

        @Override
        protected Object invokeSuspend(Object result) {
            ResultKt.throwOnFailure(result);
            Object suspended = IntrinsicsKt.getCOROUTINE_SUSPENDED();
            switch (label) {
                case 0:
                    first = sv.mod.Version.version();
                    label = 1;
                    if (DelayKt.delay(10, this) == suspended) {
                        return suspended;
                    }
                    // fall through: delay returned at once
                case 1:
                    start = Gates.held(id, Gates.same(first, sv.mod.Version.version()));
                    label = 2;
                    if (DelayKt.delay(10, this) == suspended) {
                        return suspended;
                    }
                    // fall through
                case 2:
                    answer("start=" + start + " end=" + sv.mod.Version.version());
                    return Unit.INSTANCE;
                default:
                    throw new IllegalStateException("resumed after its end");
            }
        }

        private void answer(String text) {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            try {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (java.io.IOException e) {
                exchange.close();
            }
        }
    }
}
