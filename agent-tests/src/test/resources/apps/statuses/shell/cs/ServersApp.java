package cs;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.Notification;
import javax.management.ObjectName;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The child of ServerStatusesIT: an embedded Tomcat 11, a Jetty 12 ee10 servlet, a Jetty 12 core handler that
 * answers some requests after its call returned, the same servlet on javax in Jetty's ee8 layer, Netty 4.2's HTTP/2
 * (h2c with prior knowledge, a client of Netty's own), an Undertow 2 handler, a Netty 4.2 HTTP/1 pipeline and a Reactor Netty 1.3 handler, one after
 * the other, each asked for /ok twice, /missing (404),
 * /fail (500 set by the application) and /throw (a servlet that throws, which the container answers with a 500;
 * Undertow's handler answers 500 itself). After
 * each server, one line with the statuses the client got and the request counts generation 1's MBean shows
 * (requests, 5xx, 4xx, failed task runs, requests timed), as differences from before that server. Every wait is bounded.
 */
public final class ServersApp {
    static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    static final String[] PATHS = {"/ok", "/ok", "/missing", "/fail", "/throw"};
    static final long WAIT_SECONDS = 30;

    /** What the application answers to a request for {@code path}: its status, or 0 for a servlet that throws. */
    static int status(String path) {
        return path.endsWith("/fail") ? 500 : path.endsWith("/throw") ? 0 : path.endsWith("/missing") ? 404 : 200;
    }

    /** The application's servlet: it answers 200, 404 or 500 (sendError), or throws. */
    static final class Answer extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            int status = status(request.getRequestURI());
            if (status == 0) {
                throw new IllegalStateException("broken");
            } else if (status == 500) {
                response.sendError(500);
            } else {
                response.setStatus(status);
                response.getWriter().write("answer");
            }
        }
    }

    /** The same servlet on the javax API, for Jetty's ee8 layer. */
    static final class JavaxAnswer extends javax.servlet.http.HttpServlet {
        @Override
        protected void doGet(javax.servlet.http.HttpServletRequest request,
                             javax.servlet.http.HttpServletResponse response) throws IOException {
            int status = status(request.getRequestURI());
            if (status == 0) {
                throw new IllegalStateException("broken");
            } else if (status == 500) {
                response.sendError(500);
            } else {
                response.setStatus(status);
                response.getWriter().write("answer");
            }
        }
    }

    /**
     * The same answers on Netty 4.2's HTTP codec (its head and its body in one response, or its head, then its body
     * as the last content); a request whose handler throws is answered 500 by the pipeline's exception handler, as a
     * Netty application answers what its handlers throw.
     */
    static final class NettyAnswer
            extends io.netty.channel.SimpleChannelInboundHandler<io.netty.handler.codec.http.FullHttpRequest> {
        @Override
        protected void channelRead0(io.netty.channel.ChannelHandlerContext ctx,
                                    io.netty.handler.codec.http.FullHttpRequest request) {
            int status = status(request.uri());
            if (status == 0) {
                throw new IllegalStateException("broken");
            }
            if (status == 404) {
                // head, then the body as the last content
                io.netty.handler.codec.http.HttpResponse head = new io.netty.handler.codec.http.DefaultHttpResponse(
                        io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                        io.netty.handler.codec.http.HttpResponseStatus.valueOf(status));
                head.headers().setInt(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH, 6);
                ctx.write(head);
                ctx.writeAndFlush(new io.netty.handler.codec.http.DefaultLastHttpContent(
                        io.netty.buffer.Unpooled.copiedBuffer("answer", java.nio.charset.StandardCharsets.UTF_8)));
            } else {
                answer(ctx, status);
            }
        }

        @Override
        public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
            answer(ctx, 500);
        }

        private static void answer(io.netty.channel.ChannelHandlerContext ctx, int status) {
            io.netty.buffer.ByteBuf body = io.netty.buffer.Unpooled.copiedBuffer("answer",
                    java.nio.charset.StandardCharsets.UTF_8);
            io.netty.handler.codec.http.FullHttpResponse response =
                    new io.netty.handler.codec.http.DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion
                            .HTTP_1_1, io.netty.handler.codec.http.HttpResponseStatus.valueOf(status), body);
            response.headers().setInt(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH,
                    body.readableBytes());
            ctx.writeAndFlush(response);
        }
    }

    /**
     * The same answers from a Jetty 12 core handler (no servlet): a 200 in its call; a 404 and a 500 (Jetty's
     * {@code Response.writeError}) answered from an application pool after the call returned, completing Jetty's
     * callback on the pool's thread; a handler that throws, which Jetty answers with a 500.
     */
    static final class CoreAnswer extends org.eclipse.jetty.server.Handler.Abstract {
        private final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(1);

        @Override
        public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                              org.eclipse.jetty.util.Callback callback) {
            int status = status(request.getHttpURI().getPath());
            if (status == 0) {
                throw new IllegalStateException("broken");
            }
            if (status == 200) {
                answer(request, response, callback, status);
            } else {
                pool.execute(() -> answer(request, response, callback, status));
            }
            return true;
        }

        private static void answer(org.eclipse.jetty.server.Request request,
                                   org.eclipse.jetty.server.Response response,
                                   org.eclipse.jetty.util.Callback callback, int status) {
            if (status == 500) {
                org.eclipse.jetty.server.Response.writeError(request, response, callback, status);
            } else {
                response.setStatus(status);
                response.write(true, java.nio.ByteBuffer.wrap("answer".getBytes(java.nio.charset.StandardCharsets
                        .UTF_8)), callback);
            }
        }

        @Override
        protected void doStop() throws Exception {
            pool.shutdown();
            super.doStop();
        }
    }

    public static void main(String[] args) throws Exception {
        awaitManager();
        org.apache.catalina.startup.Tomcat tomcat = new org.apache.catalina.startup.Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        org.apache.catalina.Context context = tomcat.addContext("", new java.io.File(".").getAbsolutePath());
        org.apache.catalina.startup.Tomcat.addServlet(context, "answer", new Answer());
        context.addServletMappingDecoded("/*", "answer");
        tomcat.start();
        serve("tomcat", tomcat.getConnector().getLocalPort());
        tomcat.stop();
        tomcat.destroy();

        org.eclipse.jetty.server.Server jetty = new org.eclipse.jetty.server.Server(
                new InetSocketAddress("127.0.0.1", 0));
        org.eclipse.jetty.ee10.servlet.ServletContextHandler servlets =
                new org.eclipse.jetty.ee10.servlet.ServletContextHandler();
        servlets.addServlet(new org.eclipse.jetty.ee10.servlet.ServletHolder(new Answer()), "/*");
        jetty.setHandler(servlets);
        jetty.start();
        serve("jetty", ((org.eclipse.jetty.server.ServerConnector) jetty.getConnectors()[0]).getLocalPort());
        jetty.stop();

        org.eclipse.jetty.server.Server jettyCore = new org.eclipse.jetty.server.Server(
                new InetSocketAddress("127.0.0.1", 0));
        jettyCore.setHandler(new CoreAnswer());
        jettyCore.start();
        serve("jetty-core", ((org.eclipse.jetty.server.ServerConnector) jettyCore.getConnectors()[0]).getLocalPort());
        jettyCore.stop();

        org.eclipse.jetty.server.Server jettyEe8 = new org.eclipse.jetty.server.Server(
                new InetSocketAddress("127.0.0.1", 0));
        org.eclipse.jetty.ee8.servlet.ServletContextHandler ee8 =
                new org.eclipse.jetty.ee8.servlet.ServletContextHandler();
        ee8.addServlet(new org.eclipse.jetty.ee8.servlet.ServletHolder(new JavaxAnswer()), "/*");
        jettyEe8.setHandler(ee8);
        jettyEe8.start();
        serve("jetty-ee8", ((org.eclipse.jetty.server.ServerConnector) jettyEe8.getConnectors()[0]).getLocalPort());
        jettyEe8.stop();

        io.undertow.Undertow undertow = io.undertow.Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(exchange -> {
                    String path = exchange.getRequestPath();
                    exchange.setStatusCode(path.endsWith("/fail") || path.endsWith("/throw") ? 500
                            : path.endsWith("/missing") ? 404 : 200);
                    exchange.getResponseSender().send("answer");
                }).build();
        undertow.start();
        serve("undertow", ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort());
        undertow.stop();

        io.netty.channel.EventLoopGroup loops = new io.netty.channel.MultiThreadIoEventLoopGroup(2,
                io.netty.channel.nio.NioIoHandler.newFactory());
        io.netty.channel.Channel netty = new io.netty.bootstrap.ServerBootstrap().group(loops)
                .channel(io.netty.channel.socket.nio.NioServerSocketChannel.class)
                .childHandler(new io.netty.channel.ChannelInitializer<io.netty.channel.socket.SocketChannel>() {
                    @Override
                    protected void initChannel(io.netty.channel.socket.SocketChannel channel) {
                        channel.pipeline().addLast(new io.netty.handler.codec.http.HttpServerCodec(),
                                new io.netty.handler.codec.http.HttpObjectAggregator(65536), new NettyAnswer());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        serve("netty", ((InetSocketAddress) netty.localAddress()).getPort());
        netty.close().sync();

        // Netty 4.2's HTTP/2 over cleartext (prior knowledge), each stream a child channel: the same answers, a handler
        // that throws answered 500 from the stream's exception handler
        io.netty.channel.Channel h2 = itkit.NettyH2.server(loops, (path, answer) -> {
            int status = status(path);
            if (status == 0) {
                throw new IllegalStateException("broken");
            }
            answer.accept(status);
        });
        try (itkit.NettyH2.Client client = new itkit.NettyH2.Client(loops,
                ((InetSocketAddress) h2.localAddress()).getPort())) {
            serve("netty-h2", client::get);
        }
        h2.close().sync();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();

        // Reactor Netty (so WebFlux): a handler whose answer fails is answered 500 by the server (one that throws
        // at once has its connection closed, with no response)
        reactor.netty.DisposableServer reactorNetty = reactor.netty.http.server.HttpServer.create()
                .host("127.0.0.1").port(0)
                .handle((request, response) -> {
                    int status = status(request.uri());
                    if (status == 0) {
                        return reactor.core.publisher.Mono.error(new IllegalStateException("broken"));
                    }
                    return response.status(status).sendString(reactor.core.publisher.Mono.just("answer"));
                }).bindNow();
        serve("reactor-netty", reactorNetty.port());
        reactorNetty.disposeNow();
        say("done");
        System.exit(0);
    }

    /** A client's GET of a path: the response's status. */
    interface Client {
        int get(String path) throws Exception;
    }

    /** Sends the requests over HTTP/1.1 (the JDK's client); see {@link #serve(String, Client)}. */
    static void serve(String server, int port) throws Exception {
        serve(server, path -> {
            HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
                    .openConnection();
            connection.setReadTimeout(10_000);
            int status = connection.getResponseCode();
            try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                if (body != null) {
                    body.readAllBytes();
                }
            }
            return status;
        });
    }

    /** Sends the requests; once generation 1 counted as many (a request is counted as it ends), says what it saw. */
    static void serve(String server, Client client) throws Exception {
        long[] before = counts();
        StringBuilder got = new StringBuilder();
        for (String path : PATHS) {
            got.append(client.get(path)).append(' ');
        }
        // The server ends a request after the client has its response (Tomcat recycles it, Jetty its channel):
        // wait for the count, bounded.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        long[] now = counts();
        while (now[0] - before[0] < PATHS.length && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            now = counts();
        }
        say(server + " got " + got + "counted requests " + (now[0] - before[0]) + " 5xx " + (now[1] - before[1])
                + " 4xx " + (now[2] - before[2]) + " failed " + (now[3] - before[3])
                + " timed " + (now[4] - before[4]));
    }

    static long[] counts() throws Exception {
        ObjectName generation = new ObjectName("io.modulets:type=Generation,id=1");
        return new long[] {(Long) SERVER.getAttribute(generation, "Requests"),
            (Long) SERVER.getAttribute(generation, "ServerErrors"),
            (Long) SERVER.getAttribute(generation, "ClientErrors"),
            (Long) SERVER.getAttribute(generation, "TasksFailed"),
            (Long) SERVER.getAttribute(generation, "RequestsTimed")};
    }

    /** The agent registers its MBeans on its own thread after premain: waits for the manager, bounded. */
    static void awaitManager() throws Exception {
        ObjectName manager = new ObjectName("io.modulets:type=Manager");
        BlockingQueue<Notification> registrations = new LinkedBlockingQueue<>();
        SERVER.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, (n, h) -> registrations.add(n), null, null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!SERVER.isRegistered(manager)) {
            if (registrations.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS) == null) {
                throw new IllegalStateException("FAILED the manager MBean was not registered");
            }
        }
    }

    static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
