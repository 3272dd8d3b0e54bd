package bnd.mod;

/** A swappable functional interface, generic, with a default method. */
public interface Fn<T> {
    T get();

    default String twice() {
        return get() + "" + get();
    }
}
