package sv;

import java.net.InetSocketAddress;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;

/**
 * An embedded Undertow server, as its documentation shows it. Every request begins on an XNIO I/O
 * thread; /blocking goes through a BlockingHandler (the exchange is dispatched to a worker, where the
 * handler runs again), /async dispatches a Runnable to the worker pool, which answers with the
 * asynchronous sender: the exchange ends after the Runnable has returned.
 */
public final class UndertowApp {
    public static void main(String[] args) throws Exception {
        HttpHandler blocking = new BlockingHandler(exchange -> exchange.getResponseSender().send(
                Gates.serve(id(exchange))));
        Undertow server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setHandler(exchange -> {
                    if (exchange.getRequestPath().startsWith("/async")) {
                        exchange.dispatch(() -> {
                            try {
                                exchange.getResponseSender().send(Gates.serve(id(exchange)));
                            } catch (InterruptedException e) {
                                exchange.setStatusCode(500);
                                exchange.endExchange();
                            }
                        });
                    } else {
                        blocking.handleRequest(exchange);
                    }
                })
                .build();
        server.start();
        InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
        System.out.println("ready " + address.getPort());
        Gates.commands(line -> { });
        server.stop();
    }

    private static String id(HttpServerExchange exchange) {
        return exchange.getQueryParameters().get("id").getFirst();
    }
}
