package sv;

import java.net.InetSocketAddress;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;

/**
 * An embedded Undertow server, as its documentation shows it. Every request begins on an XNIO I/O
 * thread; /blocking goes through a BlockingHandler (the exchange is dispatched to a worker, where the
 * handler runs again), /async dispatches a Runnable to the worker pool, which answers with the
 * asynchronous sender: the exchange ends after the Runnable has returned. With "websocket", a WebSocket endpoint
 * at every path (Undertow's own API) answers each text message from a task it hands the worker pool (the I/O
 * thread that reads it must not wait).
 */
public final class UndertowApp {
    private static final HttpHandler BLOCKING = new BlockingHandler(exchange -> exchange.getResponseSender().send(
            Gates.serve(id(exchange))));

    public static void main(String[] args) throws Exception {
        HttpHandler http = UndertowApp::serve;
        Undertow server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setHandler(args.length > 0 && args[0].equals("websocket")
                        ? Handlers.websocket((exchange, channel) -> {
                            if (exchange.getRequestURI().startsWith("/ws-connect")) {
                                // the connection callback itself serves a unit: what does it read to its end?
                                try {
                                    System.out.println("onConnect " + Gates.serve("hold-connect"));
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                            channel.getReceiveSetter().set(new Answering());
                            channel.resumeReceives();
                        }, http)
                        : http)
                .build();
        server.start();
        InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
        System.out.println("ready " + address.getPort());
        Gates.commands(line -> { });
        server.stop();
    }

    private static void serve(HttpServerExchange exchange) throws Exception {
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
            BLOCKING.handleRequest(exchange);
        }
    }

    /** Each whole text message is answered from a task of the worker pool. */
    private static final class Answering extends AbstractReceiveListener {
        @Override
        protected void onFullTextMessage(WebSocketChannel channel, BufferedTextMessage message) {
            String text = message.getData();
            channel.getWorker().execute(() -> {
                try {
                    WebSockets.sendText(Gates.serve(text), channel, null);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    private static String id(HttpServerExchange exchange) {
        return exchange.getQueryParameters().get("id").getFirst();
    }
}
