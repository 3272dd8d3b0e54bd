package io.modulets.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Reading a server request's status from its key, by a chain of public getters named per key class. */
class ResponseStatusesTest {
    /** Tomcat's shape: the request leads to its response, which has the status. */
    public static final class Request {
        private final Response response;

        Request(Response response) {
            this.response = response;
        }

        public Response getResponse() {
            return response;
        }
    }

    public static final class Response {
        private final int status;

        Response(int status) {
            this.status = status;
        }

        public int getStatus() {
            return status;
        }
    }

    /** Jetty's shape: the status getter is declared by a superclass of the class the chain reaches. */
    public static class Wrapper {
        public int getStatus() {
            return 418;
        }
    }

    public static final class ContextResponse extends Wrapper {
    }

    public static class Channel {
        public ContextResponse getResponse() {
            return new ContextResponse();
        }
    }

    /** Jetty 9 to 11's shape: the key is a subclass, per protocol, of the class named. */
    public static final class ChannelOverHttp extends Channel {
    }

    /** A server version whose getter returns something else. */
    public static final class Other {
        public String getStatus() {
            return "200";
        }
    }

    private final ResponseStatuses statuses = new ResponseStatuses(Map.of(
            Request.class.getName(), List.of("getResponse", "getStatus"),
            Other.class.getName(), List.of("getStatus"),
            Channel.class.getName(), List.of("getResponse", "getStatus")));

    @Test
    void followsTheChainFromTheKeyToTheStatus() {
        assertEquals(503, statuses.status(new Request(new Response(503))));
        assertEquals(200, statuses.status(new Request(new Response(200))));
    }

    @Test
    void aGetterDeclaredByASuperclassOfTheClassReachedIsFollowed() {
        assertEquals(418, statuses.status(new Channel()));
    }

    @Test
    void aKeyOfASubclassOfTheClassNamedIsReadAsThatClass() {
        assertEquals(418, statuses.status(new ChannelOverHttp()));
    }

    @Test
    void aKeyWhoseChainBreaksOrThatNoServerNamesHasNone() {
        assertEquals(-1, statuses.status(new Request(null)), "a request recycled without a response");
        assertEquals(-1, statuses.status(new Other()), "a getter that gives no int");
        assertEquals(-1, statuses.status(new Object()));
    }
}
