package sv;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

/**
 * A Netty 4.2 HTTP/2 server over cleartext as Netty's examples write one: an HTTP/1.1 request with
 * {@code Upgrade: h2c} is answered by a 101 and goes on as stream 1 ({@code HttpServerUpgradeHandler},
 * {@code Http2ServerUpgradeCodec}), and each stream is a child channel of {@code Http2MultiplexHandler}, with a
 * handler of its own. "/x" reads the version at its start and end and answers; "/hold" reads it as it begins and
 * waits: the client resets the stream, and the handler reads it again as it hears of the reset; "/body" reads it as
 * it begins and pauses the stream's reads (auto-read off, as under back-pressure): the body's frames wait in the
 * stream channel until the command "resume ID" reads them, from the main thread, and the last one answers with
 * the version read then. Each prints what it read.
 */
public final class NettyH2App {
    /** The stream channels paused by "/body", by the request's id. */
    private static final ConcurrentHashMap<String, Channel> PAUSED = new ConcurrentHashMap<>();

    /** One per stream channel. */
    static final class Stream extends ChannelInboundHandlerAdapter {
        private String id;
        private String start;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame && id == null) {
                    String path = ((Http2HeadersFrame) msg).headers().path().toString();
                    id = path.substring(path.indexOf("id=") + "id=".length());
                    start = sv.mod.Version.version();
                    if (path.startsWith("/x")) {
                        answer(ctx, "start=" + start + " end=" + sv.mod.Version.version());
                    } else if (path.startsWith("/body")) {
                        ctx.channel().config().setAutoRead(false);
                        PAUSED.put(id, ctx.channel());
                        System.out.println("began " + id + " start=" + start);
                    } else {
                        System.out.println("began " + id + " start=" + start);
                    }
                } else if (msg instanceof Http2DataFrame && ((Http2DataFrame) msg).isEndStream()) {
                    String end = sv.mod.Version.version();
                    System.out.println("read " + id + " start=" + start + " end=" + end);
                    answer(ctx, "start=" + start + " end=" + end);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof Http2ResetFrame) {
                System.out.println("reset " + id + " start=" + start + " end=" + sv.mod.Version.version());
            }
            ctx.fireUserEventTriggered(event);
        }

        private static void answer(ChannelHandlerContext ctx, String body) {
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), true));
        }
    }

    public static void main(String[] args) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ChannelInitializer<Channel> streams = new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel stream) {
                stream.pipeline().addLast(new Stream());
            }
        };
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            HttpServerCodec http1 = new HttpServerCodec();
                            channel.pipeline().addLast(http1, new HttpServerUpgradeHandler(http1, protocol ->
                                    AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                                            ? new Http2ServerUpgradeCodec(Http2FrameCodecBuilder.forServer().build(),
                                                    new Http2MultiplexHandler(streams))
                                            : null, 65536));
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
            System.out.println("ready " + ((InetSocketAddress) server.localAddress()).getPort());
            Gates.commands(line -> {
                if (line.startsWith("resume ")) {
                    // a thread that runs no task resumes the paused stream's reads
                    PAUSED.remove(line.substring("resume ".length())).read();
                    System.out.println("resumed");
                }
            });
            server.close().sync();
        } finally {
            group.shutdownGracefully().sync();
        }
    }
}
