package io.modulets.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.rmi.NotBoundException;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.rmi.server.RMIClientSocketFactory;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnector;
import javax.management.remote.rmi.RMIServer;
import javax.net.ssl.SSLHandshakeException;
import javax.rmi.ssl.SslRMIClientSocketFactory;

/**
 * How a {@code service:jmx:} URL is reached, and the plain-text rule (docs/REFERENCE.md, "Remote JMX"):
 * <ol>
 * <li>The CLI gets the connector server's RMI stub itself: from the RMI registry of a
 *     {@code service:jmx:rmi:///jndi/rmi://HOST:PORT/NAME} URL, asked over TLS first (the JDK's
 *     {@code com.sun.management.jmxremote.registry.ssl}) and in plain text if the registry does not speak
 *     TLS; or decoded from a {@code service:jmx:rmi://HOST/stub/…} URL.</li>
 * <li>A stub whose client socket factory is {@link SslRMIClientSocketFactory} (the JDK's
 *     {@code com.sun.management.jmxremote.ssl=true}) connects over TLS, the server's certificate checked
 *     against the JVM's trust store ({@code javax.net.ssl.trustStore}): the credentials and every call are
 *     encrypted. That is the stub used, so what was checked is what connects.</li>
 * <li>Any other stub is plain text, and is refused when the URL's host is not a loopback address
 *     ({@code localhost}, 127.0.0.0/8, ::1, or a name that resolves only to those; no host means this
 *     machine), unless {@code --insecure} is given.</li>
 * <li>Any other kind of URL ({@code /jndi/ldap:…}, another protocol) is connected to as the JDK does,
 *     and refused for a host that is not loopback unless {@code --insecure}: the CLI cannot tell.</li>
 * </ol>
 */
final class RemoteJmx {
    private static final String JNDI_RMI = "/jndi/rmi://";
    private static final String STUB = "/stub/";

    /** Where a stub comes from; tests give one without a network. */
    @FunctionalInterface
    interface StubSource {
        /** The stub of this JNDI RMI URL's registry, or decoded from this stub URL; null for another kind. */
        RMIServer stub(JMXServiceURL url) throws IOException;
    }

    static final StubSource LOOKUP = RemoteJmx::lookUp;

    private RemoteJmx() {
    }

    /** Connects to {@code jvm}'s URL under the rule above; a refusal is a {@link CliFailure}, and sends nothing. */
    static JMXConnector connect(JvmAddress jvm, Map<String, Object> environment, boolean insecure, StubSource source)
            throws IOException {
        JMXServiceURL url = jvm.url();
        RMIServer stub;
        try {
            stub = source.stub(url);
        } catch (IOException e) {
            throw failure(jvm, e);
        }
        boolean loopback = isLoopback(host(url));
        if (stub == null) {
            if (!loopback && !insecure) {
                throw new CliFailure(jvm + ": refused: cannot tell whether this kind of JMX URL uses TLS, and its host"
                        + " is not this machine; use a service:jmx:rmi:///jndi/rmi://HOST:PORT/jmxrmi URL of a TLS"
                        + " connector, or give --insecure");
            }
            return JMXConnectorFactory.connect(url, environment);
        }
        if (!usesTls(stub) && !loopback && !insecure) {
            throw new CliFailure(jvm + ": refused: its JMX connector is plain text (no TLS) and its host is not this"
                    + " machine; start the target with com.sun.management.jmxremote.ssl=true, or give --insecure");
        }
        RMIConnector connector = new RMIConnector(stub, environment);
        try {
            connector.connect(environment);
        } catch (IOException e) {
            throw failure(jvm, e);
        }
        return connector;
    }

    /**
     * RMI's "error during JRMP connection establishment; nested exception is:" says nothing on its first
     * line: a failed TLS handshake (an untrusted certificate) is said as such, any other by its cause.
     */
    static CliFailure failure(JvmAddress jvm, IOException e) {
        String why = Errors.oneLine(e);
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SSLHandshakeException tls) {
                why = "TLS handshake failed: " + Errors.oneLine(new IllegalStateException(tls.getMessage()));
                break;
            }
        }
        if (!why.startsWith("TLS") && e instanceof RemoteException && e.getCause() instanceof Exception cause) {
            why = Errors.oneLine(cause);
        }
        return new CliFailure("cannot connect to " + jvm + ": " + why, e);
    }

    /**
     * The host the URL names: a JNDI RMI URL's registry host, else the URL's own; "" for none (this machine).
     */
    static String host(JMXServiceURL url) {
        String path = url.getURLPath();
        if (path.startsWith(JNDI_RMI)) {
            URI registry = registry(url);
            return registry.getHost() == null ? "" : registry.getHost();
        }
        return url.getHost();
    }

    /** Whether {@code host} is this machine: empty, a loopback address, or a name that resolves only to those. */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.isEmpty()) {
            return true;
        }
        try {
            InetAddress[] all = InetAddress.getAllByName(h);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false; // the connection fails anyway, and says why
        }
    }

    /** Whether the stub connects through the JDK's TLS socket factory. */
    static boolean usesTls(Remote stub) {
        return factories(stub).stream().anyMatch(f -> f instanceof SslRMIClientSocketFactory);
    }

    /**
     * The client socket factories a stub carries. The public API does not expose them; serializing the stub
     * does (its reference writes its endpoint's factory as an object), and this stream only records them.
     */
    static List<RMIClientSocketFactory> factories(Remote stub) {
        List<RMIClientSocketFactory> found = new ArrayList<>();
        try (ObjectOutputStream probe = new ObjectOutputStream(OutputStream.nullOutputStream()) {
            {
                enableReplaceObject(true);
            }

            @Override
            protected Object replaceObject(Object obj) {
                if (obj instanceof RMIClientSocketFactory f) {
                    found.add(f);
                }
                return obj;
            }
        }) {
            probe.writeObject(stub);
        } catch (IOException e) {
            throw new CliFailure("cannot read the JMX connector's stub: " + Errors.oneLine(e), e);
        }
        return found;
    }

    private static RMIServer lookUp(JMXServiceURL url) throws IOException {
        String path = url.getURLPath();
        if (path.startsWith(STUB)) {
            return decode(path.substring(STUB.length()));
        }
        if (!path.startsWith(JNDI_RMI)) {
            return null;
        }
        URI registry = registry(url);
        String host = registry.getHost() == null ? "localhost" : registry.getHost();
        int port = registry.getPort() < 0 ? 1099 : registry.getPort();
        String name = registry.getPath().startsWith("/") ? registry.getPath().substring(1) : registry.getPath();
        Remote found;
        try {
            found = LocateRegistry.getRegistry(host, port, new SslRMIClientSocketFactory()).lookup(name);
        } catch (IOException | NotBoundException overTls) {
            try {
                found = LocateRegistry.getRegistry(host, port).lookup(name);
            } catch (IOException | NotBoundException plain) {
                // A TLS registry whose certificate is not trusted says so; any other failure is the plain one's.
                Exception reported = certificateProblem(overTls) ? overTls : plain;
                throw reported instanceof IOException io ? io : new IOException(reported.getMessage(), reported);
            }
        }
        if (!(found instanceof RMIServer server)) {
            throw new IOException(name + " in the registry at " + host + ":" + port + " is not a JMX connector");
        }
        return server;
    }

    private static URI registry(JMXServiceURL url) {
        try {
            return new URI(url.getURLPath().substring("/jndi/".length()));
        } catch (URISyntaxException e) {
            throw new CliFailure(url + ": the registry address is malformed: " + e.getMessage(), e);
        }
    }

    private static boolean certificateProblem(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof GeneralSecurityException) {
                return true;
            }
        }
        return false;
    }

    /** The stub in a stub URL (base64 of its serialized form), read with only the classes a stub is made of. */
    private static RMIServer decode(String base64) throws IOException {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IOException("the stub in the URL is not base64: " + e.getMessage(), e);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(ObjectInputFilter.Config.createFilter(
                    "maxdepth=20;java.base/*;java.rmi/*;java.management.rmi/*;!*"));
            Object stub = in.readObject();
            if (!(stub instanceof RMIServer server)) {
                throw new IOException("the stub in the URL is not a JMX connector's");
            }
            return server;
        } catch (ClassNotFoundException e) {
            throw new IOException("the stub in the URL is not a JMX connector's: " + e.getMessage(), e);
        }
    }
}
