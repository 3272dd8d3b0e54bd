package sv;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC server as its guide writes one, on grpc-netty-shaded (gRPC's usual artifact, Netty relocated
 * inside it), with a client-streaming method: the server reads the version at the call's first message and
 * again when the client completes, and answers with both. Its calls run on gRPC's default executor. The
 * client, in this JVM too, is driven through stdin: "begin ID" opens a call and sends its first message,
 * "finish ID" completes it, "call ID" does both; each answer is printed as "done ID ANSWER". "requests N" says how many
 * requests the agent's generations count, once they count N (bounded): each call is an HTTP/2 stream.
 */
public final class GrpcApp {
    private static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final MethodDescriptor<String, String> READ = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.CLIENT_STREAMING)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("sv.Versions", "Read"))
            .setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();

    /** The server's side of one call: the version at its first message, and at its end. */
    private static StreamObserver<String> serve(StreamObserver<String> answer) {
        return new StreamObserver<>() {
            private String start;

            @Override
            public void onNext(String id) {
                if (start == null) {
                    start = sv.mod.Version.version();
                    System.out.println("began " + id + " start=" + start);
                }
            }

            @Override
            public void onError(Throwable failure) {
                System.out.println("failed " + failure);
            }

            @Override
            public void onCompleted() {
                answer.onNext("start=" + start + " end=" + sv.mod.Version.version());
                answer.onCompleted();
            }
        };
    }

    /**
     * Waits (bounded) until the generations' MBeans count {@code expected} requests (a call counts when its stream
     * closes, which may come just after the client has its answer), then says "requests N 5xx M".
     */
    static void requests(long expected) {
        try {
            javax.management.MBeanServer mbeans = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            javax.management.ObjectName all = new javax.management.ObjectName("io.modulets:type=Generation,*");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long[] counted;
            do {
                counted = new long[2];
                for (javax.management.ObjectName generation : mbeans.queryNames(all, null)) {
                    counted[0] += (Long) mbeans.getAttribute(generation, "Requests");
                    counted[1] += (Long) mbeans.getAttribute(generation, "ServerErrors");
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // bounded
            } while (counted[0] < expected && System.nanoTime() < deadline);
            System.out.println("requests " + counted[0] + " 5xx " + counted[1]);
        } catch (javax.management.JMException e) {
            System.out.println("requests failed " + e);
        }
    }

    public static void main(String[] args) throws Exception {
        Server server = ServerBuilder.forPort(0)
                .addService(ServerServiceDefinition.builder("sv.Versions")
                        .addMethod(READ, ServerCalls.asyncClientStreamingCall(GrpcApp::serve)).build())
                .build().start();
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        Map<String, StreamObserver<String>> open = new ConcurrentHashMap<>();
        System.out.println("ready " + server.getPort());
        Gates.commands(line -> {
            String[] command = line.split(" ", 2);
            if (command[0].equals("begin") || command[0].equals("call")) {
                String id = command[1];
                StreamObserver<String> call = ClientCalls.asyncClientStreamingCall(
                        channel.newCall(READ, CallOptions.DEFAULT), new StreamObserver<>() {
                            @Override
                            public void onNext(String answer) {
                                System.out.println("done " + id + " " + answer);
                            }

                            @Override
                            public void onError(Throwable failure) {
                                System.out.println("done " + id + " failed " + failure);
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
                call.onNext(id);
                open.put(id, call);
            }
            if (command[0].equals("finish") || command[0].equals("call")) {
                open.remove(command[1]).onCompleted();
            }
            if (command[0].equals("requests")) {
                requests(Long.parseLong(command[1]));
            }
        });
        channel.shutdownNow().awaitTermination(60, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(60, TimeUnit.SECONDS);
    }
}
