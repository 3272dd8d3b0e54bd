package io.modulets.capture;

import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Recognizes the threads of servers and schedulers that only loop and hand out work (DESIGN §2.1):
 * by the class of the thread or of the Runnable it was made with, or one of their superclasses. A
 * name ending in {@code *} is a prefix (an anonymous class, {@code com.acme.Server$*}). The answer is
 * cached per class, so a thread start costs two class-value reads.
 */
final class LoopThreads implements Predicate<Thread> {
    private final List<String> names;
    private final Function<Thread, Object> target;
    private final ClassValue<Boolean> isLoop = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            for (Class<?> c = type; c != null && c != Thread.class && c != Object.class; c = c.getSuperclass()) {
                if (named(Relocated.plainBinaryName(c.getName()))) {
                    return Boolean.TRUE;
                }
            }
            return Boolean.FALSE;
        }
    };

    LoopThreads(List<String> names, Function<Thread, Object> target) {
        this.names = List.copyOf(names);
        this.target = target;
    }

    @Override
    public boolean test(Thread thread) {
        if (isLoop.get(thread.getClass())) {
            return true;
        }
        Object body = target.apply(thread);
        return body != null && isLoop.get(body.getClass());
    }

    private boolean named(String className) {
        for (String name : names) {
            if (name.endsWith("*") ? className.startsWith(name.substring(0, name.length() - 1))
                    : className.equals(name)) {
                return true;
            }
        }
        return false;
    }
}
