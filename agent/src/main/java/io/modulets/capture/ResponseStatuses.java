package io.modulets.capture;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;

import io.modulets.bootstrap.Requests;
import io.modulets.config.Log;

/**
 * Reads the response status of a server's request as it ends (DESIGN §4, "Outcomes"), from the request's key:
 * a chain of public getters per key class ({@link Servers#STATUSES}), found by name once per class and called
 * through one method handle. The agent links against no server: a class without the getters (another
 * version) reads no status, said once.
 */
final class ResponseStatuses implements Requests.StatusReader {
    private static final MethodType READ = MethodType.methodType(int.class, Object.class);

    private final Map<String, List<String>> chains;

    /** The reader of each key class, or null for a class whose status is not read. Names no class once computed. */
    private final ClassValue<MethodHandle> readers = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            // the class or its nearest superclass named: a server's key may be a subclass per protocol
            for (Class<?> named = type; named != null; named = named.getSuperclass()) {
                List<String> chain = chains.get(named.getName());
                if (chain != null) {
                    return reader(type, chain);
                }
            }
            return null;
        }
    };

    ResponseStatuses(Map<String, List<String>> chains) {
        this.chains = chains;
    }

    @Override
    public int status(Object key) {
        MethodHandle reader = readers.get(key.getClass());
        if (reader == null) {
            return -1;
        }
        try {
            return (int) reader.invokeExact(key);
        } catch (Throwable notNow) {
            return -1; // a request ended with no response (an aborted connection): not counted
        }
    }

    /** The chain of getters from {@code type} to an int, as one handle of type (Object)int; null if one is missing. */
    private static MethodHandle reader(Class<?> type, List<String> chain) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle handle = MethodHandles.identity(type);
            Class<?> at = type;
            for (String name : chain) {
                Method getter = at.getMethod(name);
                // typed on the class reached, whichever superclass declares the getter (Jetty's Response.Wrapper)
                MethodHandle step = lookup.unreflect(getter).asType(MethodType.methodType(getter.getReturnType(), at));
                handle = MethodHandles.filterReturnValue(handle, step);
                at = getter.getReturnType();
            }
            if (at != int.class) {
                throw new NoSuchMethodException(chain + " of " + type.getName() + " gives " + at.getName());
            }
            return handle.asType(READ);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Log.warn("the response status of requests of %s is not read (they are not counted as requests): %s",
                    type.getName(), e);
            return null;
        }
    }
}
