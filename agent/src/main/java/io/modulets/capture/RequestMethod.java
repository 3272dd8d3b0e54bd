package io.modulets.capture;

import io.modulets.bootstrap.Requests;

/**
 * A method that marks a request or a job run (DESIGN §2.1): where a server or scheduler runs one unit
 * of work. {@code mode} is one of {@link Requests}' modes, or {@link #END} for a method whose call ends
 * the request of its key; {@code key} is the argument that names the request (0 for {@code this},
 * 1 for the first parameter, …) or -1 for none.
 *
 * @param className  binary name, e.g. {@code org.apache.catalina.connector.CoyoteAdapter}
 * @param method     the method's name
 * @param descriptor its descriptor, or null for every method of that name
 * @param keyField   null, or the field of {@code this} that holds the key ({@code name:descriptor}; key 0
 *                   only): a request that several of a server's objects share (Jetty's servlet channel
 *                   and async context both reach its state); it may be followed, after a space, by static
 *                   methods ({@code owner.name(Ljava/lang/Object;)Ljava/lang/Object;}) that read the key from it
 */
record RequestMethod(String className, String method, String descriptor, int mode, int key, String keyField) {
    /** Not a request method: its call ends the request of its key. */
    static final int END = -1;
    /**
     * Not a request method: when it returns, the running thread's request was answered with the status that is
     * its {@code key}-th parameter, an {@code int} (DESIGN §4, "Outcomes").
     */
    static final int RESPONDED = -2;
    /**
     * Not a request method: its call says that the running thread's job run ended, failed if its {@code key}-th
     * parameter (the exception the scheduler caught) is not null.
     */
    static final int JOB_ENDED = -3;
    /**
     * Not a request method: the request of its key ends when it returns, after what it runs meanwhile (an HTTP/2
     * stream's close, which runs its listeners: the stream channel's last read, its close). A throw leaves the
     * request to end when its key is collected.
     */
    static final int END_AFTER = -4;

    RequestMethod {
        if ((mode == RESPONDED || mode == JOB_ENDED) && (key < 1 || keyField != null)) {
            throw new IllegalArgumentException(className + "#" + method + ": an outcome is read from a parameter");
        }
        if (mode != Requests.CALL && mode != Requests.MESSAGE && mode != END && mode != END_AFTER && key < 0) {
            throw new IllegalArgumentException(className + "#" + method + ": a kept request needs a key");
        }
        if (keyField != null && (key != 0 || keyField.indexOf(':') < 1)) {
            throw new IllegalArgumentException(className + "#" + method + ": a key field is name:descriptor of this");
        }
    }

    RequestMethod(String className, String method, String descriptor, int mode, int key) {
        this(className, method, descriptor, mode, key, null);
    }

    /** A request that begins and ends with each outermost call (the {@code requests} agent argument). */
    static RequestMethod call(String className, String method) {
        return new RequestMethod(className, method, null, Requests.CALL, -1);
    }

    String internalName() {
        return className.replace('.', '/');
    }

    boolean matches(String name, String desc) {
        return method.equals(name) && (descriptor == null || descriptor.equals(desc));
    }

    @Override
    public String toString() {
        return className + "#" + method + (descriptor == null ? "" : descriptor)
                + (keyField == null ? "" : " key " + keyField);
    }
}
