package io.modulets.bootstrap;

/**
 * A server's own object of one request that carries, in two fields the agent adds to its class, the outcomes of the
 * generation the request runs and when it began (DESIGN §2.12): Jetty 12's core response
 * ({@code HttpChannelState$ChannelResponse}, one per request), so that a request bound only for its first method's
 * call is counted, with its status and latency, where the server completes it later, with no object of the agent's
 * per request. Stamped by {@link Requests#STAMP}, read by {@link Requests#stampedEnded}.
 */
public interface StampedRequest {
    /** The request began now ({@code start}) on the generation whose outcomes are {@code outcomes}. */
    void modulets$begin(TaskOutcomes outcomes, long start);

    /** The outcomes stamped, or null if none (or already ended): clears them, so that the request counts once. */
    TaskOutcomes modulets$end();

    /** When the request began ({@link System#nanoTime()}). */
    long modulets$start();

    /** The response's status, as the server keeps it (its own getter). */
    int modulets$status();
}
