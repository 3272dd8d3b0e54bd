package itkit;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * A Netty 4.2 HTTP/2 server over cleartext with prior knowledge (h2c, no upgrade), its streams the child channels of
 * an {@code Http2MultiplexHandler}, and a client of the same kind, for the status ITs' children (apps/statuses).
 */
public final class NettyH2 {
    private NettyH2() {
    }

    /**
     * A server on loopback whose every stream, at its request's HEADERS, is handed to {@code handler} with its path and
     * a way to answer it (HEADERS with the status, then a DATA frame that ends the stream; from any thread). A handler
     * that throws is answered 500 from the stream's exception handler, as a Netty application answers what its
     * handlers throw.
     */
    public static Channel server(EventLoopGroup loops, BiConsumer<String, IntConsumer> handler)
            throws InterruptedException {
        return new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                    @Override
                                    protected void initChannel(Http2StreamChannel stream) {
                                        stream.pipeline().addLast(new Answer(handler));
                                    }
                                }));
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    private static final class Answer extends ChannelInboundHandlerAdapter {
        private final BiConsumer<String, IntConsumer> handler;

        Answer(BiConsumer<String, IntConsumer> handler) {
            this.handler = handler;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame headers) {
                    handler.accept(headers.headers().path().toString(), status -> answer(ctx, status));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            answer(ctx, 500);
        }

        private static void answer(ChannelHandlerContext ctx, int status) {
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(Integer.toString(status))));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("answer", StandardCharsets.UTF_8), true));
        }
    }

    /** A client connection to {@code port}: each {@link #get} is a stream of its own. */
    public static final class Client implements AutoCloseable {
        private final Channel connection;

        public Client(EventLoopGroup loops, int port) throws InterruptedException {
            connection = new Bootstrap().group(loops).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                    new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                        }
                    }).connect(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        }

        /** A GET of {@code path}: the status of its response, once the response has ended (bounded). */
        public int get(String path) throws Exception {
            CompletableFuture<Integer> answered = new CompletableFuture<>();
            int[] status = {-1};
            Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                    .handler(new SimpleChannelInboundHandler<Http2StreamFrame>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
                            boolean end = false;
                            if (frame instanceof Http2HeadersFrame headers) {
                                if (headers.headers().status() != null && status[0] < 0) {
                                    status[0] = Integer.parseInt(headers.headers().status().toString());
                                }
                                end = headers.isEndStream();
                            } else if (frame instanceof Http2DataFrame data) {
                                end = data.isEndStream();
                            }
                            if (end) {
                                answered.complete(status[0]);
                            }
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext ctx) {
                            answered.complete(status[0]);
                        }
                    }).open().get(10, TimeUnit.SECONDS);
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").scheme("http")
                    .authority("127.0.0.1").path(path), true));
            return answered.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            connection.close().sync();
        }
    }
}
