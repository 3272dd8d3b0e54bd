package sv;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * A Netty 4.2 HTTP server as its examples write one: the codec, an aggregator, and a handler that gets
 * each whole request. /x serves on the connection's event loop (a held request holds that loop only,
 * the next connection is served by another); /later serves on a pool of the application's, asks the
 * event loop for the version once more, and writes the response from the pool's thread; /wheel answers
 * after a HashedWheelTimer task (a timer many Netty clients use for their timeouts). Responses
 * leave in the order their requests came, also when a connection pipelines them (a later one waits for
 * the one before), as HTTP/1.1 wants. With the argument "websocket", /ws opens a WebSocket (Netty's
 * protocol handler answers the handshake). With the argument "periodic", /periodic schedules a periodic task on its
 * event loop ({@code scheduleAtFixedRate}) that reads the version at each run, says what it read at the run after
 * the command "tick ID", and stops at "stop ID"; and the main thread schedules one at startup on an executor of its
 * own ({@code scheduleWithFixedDelay}), whose run after the command "periodic ID" serves a unit of that id.
 */
public final class NettyApp {
    private static final ExecutorService POOL = Executors.newCachedThreadPool();
    private static final HashedWheelTimer TIMER = new HashedWheelTimer();
    /** The periodic tasks requests scheduled, by id, and those whose next run says what it read. */
    private static final ConcurrentHashMap<String, ScheduledFuture<?>> TICKING = new ConcurrentHashMap<>();
    private static final java.util.Set<String> TICK_SAID = ConcurrentHashMap.newKeySet();

    /** One per connection: the handler's state is the connection's. */
    static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        /** Written when the last response of this connection so far is written. */
        private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            String id = uri.parameters().get("id").get(0);
            CompletableFuture<String> body = uri.path().equals("/later")
                    ? CompletableFuture.supplyAsync(() -> checkedOnTheLoop(ctx, serve(id)), POOL)
                    : uri.path().equals("/wheel") ? afterTimer(id)
                    : uri.path().equals("/periodic") ? CompletableFuture.completedFuture(periodic(ctx, id))
                    : CompletableFuture.completedFuture(serve(id));
            previous = previous.thenCombine(body, (written, answer) -> answer)
                    .thenCompose(answer -> write(ctx, answer));
        }

        private static String serve(String id) {
            try {
                String answer = Gates.serve(id);
                System.out.println("served " + id + " " + answer);
                return answer;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * The version read on the event loop, again in a HashedWheelTimer task 10 ms later (on the timer's worker
         * thread, which the first request starts), then held and read at the end on the application's pool.
         */
        private static CompletableFuture<String> afterTimer(String id) {
            CompletableFuture<String> answer = new CompletableFuture<>();
            String first = sv.mod.Version.version();
            TIMER.newTimeout(timeout -> {
                String start = Gates.same(first, sv.mod.Version.version());
                POOL.execute(() -> {
                    Gates.held(id, start);
                    answer.complete("start=" + start + " end=" + sv.mod.Version.version());
                });
            }, 10, TimeUnit.MILLISECONDS);
            return answer;
        }

        /** A periodic task scheduled by the request on its event loop: each run reads the version. */
        private static String periodic(ChannelHandlerContext ctx, String id) {
            String start = sv.mod.Version.version();
            TICKING.put(id, ctx.executor().scheduleAtFixedRate(() -> {
                String now = sv.mod.Version.version();
                if (TICK_SAID.remove(id)) {
                    System.out.println("tick " + id + " start=" + start + " now=" + now);
                }
            }, 0, 20, TimeUnit.MILLISECONDS));
            return "scheduled " + id + " start=" + start;
        }

        /**
         * What a request hands the event loop (ctx.executor()) is part of it, submitted or scheduled: the loop
         * reads the version the request ended with, else the answer says what it read.
         */
        private static String checkedOnTheLoop(ChannelHandlerContext ctx, String answer) {
            try {
                String loop = ctx.executor().submit(sv.mod.Version::version).get();
                String scheduled = ctx.executor().schedule(sv.mod.Version::version, 1, TimeUnit.MILLISECONDS).get();
                return answer.endsWith("end=" + loop) && answer.endsWith("end=" + scheduled) ? answer
                        : answer + " but the event loop read " + loop + ", and a Callable scheduled on it " + scheduled;
            } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }

        private static CompletableFuture<Void> write(ChannelHandlerContext ctx, String answer) {
            ByteBuf body = Unpooled.copiedBuffer(answer, StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            CompletableFuture<Void> written = new CompletableFuture<>();
            ctx.writeAndFlush(response).addListener(future -> written.complete(null));
            return written;
        }
    }

    public static void main(String[] args) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(4, NioIoHandler.newFactory());
        boolean periodic = args.length > 0 && args[0].equals("periodic");
        EventExecutor jobs = new DefaultEventExecutor();
        AtomicReference<String> nextRun = new AtomicReference<>();
        if (periodic) {
            // a periodic task of the application's, scheduled at startup by the main thread, which runs no task
            jobs.scheduleWithFixedDelay(() -> {
                String id = nextRun.getAndSet(null);
                if (id != null) {
                    try {
                        System.out.println("ran " + id + " " + Gates.serve(id));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
        }
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536));
                            if (args.length > 0 && args[0].equals("websocket")) {
                                channel.pipeline().addLast(new WebSocketServerProtocolHandler("/ws"),
                                        new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                                            @Override
                                            protected void channelRead0(ChannelHandlerContext ctx,
                                                                        TextWebSocketFrame frame) throws Exception {
                                                String answer = Gates.serve(frame.text());
                                                ctx.writeAndFlush(new TextWebSocketFrame(answer));
                                            }
                                        });
                            }
                            channel.pipeline().addLast(new Handler());
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
            System.out.println("ready " + ((InetSocketAddress) server.localAddress()).getPort());
            Gates.commands(line -> {
                if (line.startsWith("periodic ")) {
                    nextRun.set(line.substring("periodic ".length()));
                } else if (line.startsWith("tick ")) {
                    TICK_SAID.add(line.substring("tick ".length()));
                } else if (line.startsWith("stop ")) {
                    String id = line.substring("stop ".length());
                    TICKING.remove(id).cancel(false);
                    System.out.println("stopped " + id);
                }
            });
            server.close().sync();
        } finally {
            jobs.shutdownGracefully().sync();
            group.shutdownGracefully().sync();
            POOL.shutdown();
            TIMER.stop();
        }
    }
}
