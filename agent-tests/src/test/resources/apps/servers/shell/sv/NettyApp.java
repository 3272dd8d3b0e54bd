package sv;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

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

/**
 * A Netty 4.2 HTTP server as its examples write one: the codec, an aggregator, and a handler that gets
 * each whole request. /x serves on the connection's event loop (a held request holds that loop only,
 * the next connection is served by another); /later serves on a pool of the application's, asks the
 * event loop for the version once more, and writes the response from the pool's thread; /wheel answers
 * after a HashedWheelTimer task (a timer many Netty clients use for their timeouts). Responses
 * leave in the order their requests came, also when a connection pipelines them (a later one waits for
 * the one before), as HTTP/1.1 wants. With the argument "websocket", /ws opens a WebSocket (Netty's
 * protocol handler answers the handshake).
 */
public final class NettyApp {
    private static final ExecutorService POOL = Executors.newCachedThreadPool();
    private static final HashedWheelTimer TIMER = new HashedWheelTimer();

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
            Gates.commands(line -> { });
            server.close().sync();
        } finally {
            group.shutdownGracefully().sync();
            POOL.shutdown();
            TIMER.stop();
        }
    }
}
